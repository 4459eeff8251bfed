import { describe, expect, it } from 'vitest';
import {
  ensureSystemPackages,
  findMissingPackages,
  installCommand,
  planInstall,
  SYSTEM_PACKAGES,
} from './system-packages.ts';

const INSTALL_LINE =
  'sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends kamailio sip-tester';

describe('the Debian packages npm test drives', () => {
  it('are all installed on this machine, so there is nothing to do', () => {
    expect(findMissingPackages(SYSTEM_PACKAGES)).toEqual([]);
    expect(() => ensureSystemPackages()).not.toThrow();
  });

  it('reports a package dpkg does not know as missing', () => {
    expect(findMissingPackages(['kamailio', 'sipops-no-such-package'])).toEqual([
      'sipops-no-such-package',
    ]);
  });

  it('plans nothing when nothing is missing, whoever runs the tests', () => {
    expect(planInstall([], { isRoot: false, hasAptGet: false })).toEqual({ kind: 'nothing' });
  });

  it('installs only the missing ones as root, after apt-get update', () => {
    expect(planInstall(['kamailio', 'sip-tester'], { isRoot: true, hasAptGet: true })).toEqual({
      kind: 'install',
      packages: ['kamailio', 'sip-tester'],
      commands: [
        ['apt-get', 'update'],
        ['apt-get', 'install', '-y', '--no-install-recommends', 'kamailio', 'sip-tester'],
      ],
    });
  });

  it('refuses without root, naming the exact command to run', () => {
    const plan = planInstall(['kamailio', 'sip-tester'], { isRoot: false, hasAptGet: true });
    expect(plan.kind).toBe('refuse');
    expect(plan.kind === 'refuse' && plan.message).toContain('not running as root');
    expect(plan.kind === 'refuse' && plan.message).toContain(INSTALL_LINE);
    expect(installCommand(['kamailio', 'sip-tester'])).toBe(INSTALL_LINE);
  });

  it('refuses without apt-get, still naming the Debian command', () => {
    const plan = planInstall(['kamailio', 'sip-tester'], { isRoot: true, hasAptGet: false });
    expect(plan.kind === 'refuse' && plan.message).toContain('apt-get is not available');
    expect(plan.kind === 'refuse' && plan.message).toContain(INSTALL_LINE);
  });
});
