import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../sip.ts';

const README_URL = 'postgres://kamailio:secret@127.0.0.1:5432/sipops';

/** README's Kamailio lines are the ones the tests run, so they cannot drift apart. */
describe("README's Kamailio configuration", () => {
  const readme = readFileSync(resolve(REPO_ROOT, 'README.md'), 'utf8');
  const config = readFileSync(resolve(import.meta.dirname, 'kamailio.cfg'), 'utf8');
  const section = readme.slice(readme.indexOf('### Kamailio'), readme.indexOf('### Flexisip'));
  const quoted = [...section.matchAll(/```\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  const configLines = new Set(config.split('\n').map((line) => line.trim()));

  it('loads the modules and sets the parameters kamailio.cfg does', () => {
    const lines = quoted
      .flatMap((block) => block.split('\n'))
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter((line) => /^(loadmodule|modparam)/.test(line))
      .map((line) => line.replaceAll(README_URL, '{{DB_URL}}'));
    expect(lines.length).toBeGreaterThan(15);
    expect(lines.filter((line) => !configLines.has(line))).toEqual([]);
  });

  it('quotes route[AUTH] exactly, and the request_route lines kamailio.cfg has', () => {
    const routeOf = (text: string) => {
      const start = text.indexOf('route[AUTH] {');
      return text.slice(start, text.indexOf('\n}\n', start) + 2);
    };
    expect(routeOf(section)).toBe(routeOf(config));
    for (const line of [
      'save("location", "0", "sip:$var(account)@$var(realm)")',
      'alias_db_lookup("dbaliases");',
      'jsonrpc_dispatch();',
    ]) {
      expect(config).toContain(line);
      expect(section).toContain(line);
    }
  });
});
