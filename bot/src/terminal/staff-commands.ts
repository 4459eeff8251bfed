import { grantRoleSchema, revokeRoleSchema } from '@sipops/shared/role-schemas';
import { editGroup, editGroupSchema } from '@sipops/shared/use-cases/edit-group';
import { grantRole } from '@sipops/shared/use-cases/grant-role';
import { revokeRole } from '@sipops/shared/use-cases/revoke-role';
import {
  type FieldChange,
  type History,
  showHistory,
  showHistorySchema,
} from '@sipops/shared/use-cases/show-history';
import { parseInput } from '@sipops/shared/validation';
import type { CommandSpec } from './commands.ts';
import { UsageError } from './io.ts';

function whole(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value))
    throw new UsageError(`${flag} takes a whole number`);
  return Number(value);
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(String).join(', ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function formatChange(change: FieldChange, isCreated: boolean): string {
  const after = formatValue(change.after);
  return isCreated
    ? `    ${change.field}: ${after}`
    : `    ${change.field}: ${formatValue(change.before)} -> ${after}`;
}

export function formatHistory(history: History): string {
  const { type, name } = history.subject;
  const lines = [`history of ${type} ${name}, newest first`];
  if (history.entries.length === 0) lines.push('  nothing recorded');
  for (const entry of history.entries) {
    lines.push(`  ${entry.at}  ${entry.action}  by ${entry.actor}  (#${entry.id})`);
    lines.push(...entry.changes.map((change) => formatChange(change, entry.kind === 'created')));
  }
  if (history.next !== null) lines.push(`more: add --before ${history.next}`);
  return `${lines.join('\n')}\n`;
}

/** History, roles and group settings: what support staff and managers need besides accounts. */
export const STAFF_COMMANDS: CommandSpec[] = [
  {
    name: 'history',
    args: '[<account>]',
    flags: { group: 'optional', profile: 'optional', limit: 'optional', before: 'optional' },
    note: 'an account, or --group, or --profile; newest first',
    positionals: [0, 1],
    async run({ context, values, positionals, isJson }) {
      const [account] = positionals;
      const input = parseInput(showHistorySchema, {
        ...(account === undefined ? {} : { account }),
        ...(typeof values.group === 'string' ? { group: values.group } : {}),
        ...(typeof values.profile === 'string' ? { profile: values.profile } : {}),
        ...(values.limit === undefined ? {} : { limit: whole(values.limit, '--limit') }),
        ...(values.before === undefined ? {} : { before: whole(values.before, '--before') }),
      });
      const history = await showHistory(await context.deps(), input);
      context.io.out(isJson ? `${JSON.stringify(history, null, 2)}\n` : formatHistory(history));
    },
  },
  {
    name: 'role',
    args: '<slack user id> admin|support|manager|none [group,group]',
    flags: { team: 'required' },
    note: 'no groups: every group',
    positionals: [2, 3],
    async run({ context, values, positionals, isJson }) {
      const [userId, role = '', groupList] = positionals;
      const target = { teamId: values.team, userId };
      const deps = { ...(await context.deps()), configuredAdmins: context.settings.admins };
      const isNone = role.toLowerCase() === 'none';
      if (isNone && groupList !== undefined)
        throw new UsageError('none takes away the whole role: name no groups');
      const groups = groupList
        ?.split(',')
        .map((g) => g.trim())
        .filter(Boolean);
      const change = isNone
        ? await revokeRole(deps, context.actor, parseInput(revokeRoleSchema, target))
        : await grantRole(
            deps,
            context.actor,
            parseInput(grantRoleSchema, {
              ...target,
              role: role.toLowerCase(),
              ...(groups ? { groups } : {}),
            }),
          );
      const where = change.groups === null ? 'every group' : change.groups.join(', ');
      context.io.out(
        isJson
          ? `${JSON.stringify({ userId, ...change }, null, 2)}\n`
          : change.after
            ? `${userId} is ${change.after} of ${where}${change.isChanged ? '' : ' (unchanged)'}\n`
            : `${userId} has no role${change.isChanged ? ` (was ${change.before})` : ''}\n`,
      );
    },
  },
  {
    name: 'group edit',
    args: '<name>',
    flags: { digest: 'optional', 'time-zone': 'optional' },
    positionals: [1, 1],
    async run({ context, values, positionals, isJson }) {
      const input = parseInput(editGroupSchema, {
        name: positionals[0],
        ...(values.digest === undefined ? {} : { digestTime: values.digest }),
        ...(values['time-zone'] === undefined ? {} : { timeZone: values['time-zone'] }),
      });
      const group = await editGroup(await context.deps(), context.actor, input);
      context.io.out(
        isJson
          ? `${JSON.stringify(group, null, 2)}\n`
          : `group ${group.name} saved: daily digest ${group.digestTime ? `at ${group.digestTime} ${group.digestTimeZone}` : 'off'}\n`,
      );
    },
  },
];
