import { describe, expect, it } from 'vitest';
import { COMMANDS } from './commands.ts';
import { PREPARED_VERBS } from './prepared-verbs.ts';

describe('the verbs prepared before a call is forwarded', () => {
  it('cover every command that asks for confirmation or sends a file, and only their verbs', () => {
    const needed = new Set(
      COMMANDS.filter(
        (spec) => spec.isDestructive || spec.name === 'import' || 'logo' in spec.flags,
      ).map((spec) => spec.name.split(' ')[0]),
    );
    expect([...PREPARED_VERBS].sort()).toEqual([...needed].sort());
  });
});
