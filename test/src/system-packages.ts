/**
 * The Debian packages the test suite drives for real: Kamailio and its Postgres driver (the
 * registrar tests), sipp (REGISTERs), linphonec (a stock softphone) and Chromium (the pages).
 * `npm test` installs the missing ones when it runs as root with apt-get, and otherwise stops
 * naming the command to run. Kamailio's modules the tests load (db_postgres aside) all ship in
 * the `kamailio` package itself, so `kamailio-extra-modules` is not needed.
 */
import { execFileSync, spawnSync } from 'node:child_process';

export const SYSTEM_PACKAGES = [
  'kamailio',
  'kamailio-postgres-modules',
  'sip-tester',
  'linphone-cli',
  'chromium',
] as const;

export type InstallPlan =
  | { kind: 'nothing' }
  | { kind: 'install'; packages: string[]; commands: string[][] }
  | { kind: 'refuse'; packages: string[]; message: string };

const APT_INSTALL = ['install', '-y', '--no-install-recommends'];

/** What a person types to install the packages (as root, or with sudo). */
export function installCommand(packages: readonly string[]): string {
  return `sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get ${APT_INSTALL.join(' ')} ${packages.join(' ')}`;
}

/** What to do about the missing packages on this machine. */
export function planInstall(
  missing: readonly string[],
  machine: { isRoot: boolean; hasAptGet: boolean },
): InstallPlan {
  if (missing.length === 0) return { kind: 'nothing' };
  const packages = [...missing];
  if (machine.isRoot && machine.hasAptGet) {
    return {
      kind: 'install',
      packages,
      commands: [
        ['apt-get', 'update'],
        ['apt-get', ...APT_INSTALL, ...packages],
      ],
    };
  }
  const why = machine.hasAptGet
    ? 'the tests are not running as root'
    : 'apt-get is not available here (the tests expect Debian or Ubuntu)';
  return {
    kind: 'refuse',
    packages,
    message: `The tests need the Debian packages ${packages.join(', ')}, and ${why}, so they cannot install them. Run:\n  ${installCommand(packages)}`,
  };
}

/** The packages dpkg does not report as installed (all of them where there is no dpkg). */
export function findMissingPackages(packages: readonly string[]): string[] {
  const result = spawnSync(
    'dpkg-query',
    // dpkg-query's own ${…} fields, not JavaScript placeholders.
    ['-W', `-f=\${Package} \${db:Status-Status}\n`, ...packages],
    {
      encoding: 'utf8',
    },
  );
  if (result.error) return [...packages];
  const installed = new Set(
    result.stdout
      .split('\n')
      .map((line) => line.trim().split(' '))
      .filter(([, status]) => status === 'installed')
      .map(([name]) => name),
  );
  return packages.filter((name) => !installed.has(name));
}

function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Installs what is missing, or throws naming the command to run. Silent when all are there. */
export function ensureSystemPackages(packages: readonly string[] = SYSTEM_PACKAGES): void {
  const plan = planInstall(findMissingPackages(packages), {
    isRoot: process.getuid?.() === 0,
    hasAptGet: hasCommand('apt-get'),
  });
  if (plan.kind === 'nothing') return;
  if (plan.kind === 'refuse') throw new Error(plan.message);
  console.log(`[sipops] installing the Debian packages the tests need: ${plan.packages.join(' ')}`);
  for (const [command, ...args] of plan.commands) {
    execFileSync(command ?? 'apt-get', args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  const still = findMissingPackages(plan.packages);
  if (still.length > 0) {
    throw new Error(
      `apt-get did not install ${still.join(', ')}. Run:\n  ${installCommand(still)}`,
    );
  }
}
