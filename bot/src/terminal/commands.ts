import { createReadStream } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import {
  accountChangesSchema,
  plainAccountSchema,
  splitRules,
  wizardAccountSchema,
} from '@sipops/shared/account-schemas';
import type { AccountView } from '@sipops/shared/account-view';
import { describeAccountWarnings } from '@sipops/shared/account-warnings';
import { type BatchSummary, checkBatch } from '@sipops/shared/batch/check-batch';
import { AppError } from '@sipops/shared/errors';
import { checkAccountAddress } from '@sipops/shared/use-cases/check-address';
import { createGroup, createGroupSchema } from '@sipops/shared/use-cases/create-group';
import { createPlainAccount } from '@sipops/shared/use-cases/create-plain-account';
import { createProfile } from '@sipops/shared/use-cases/create-profile';
import { createWizardAccount } from '@sipops/shared/use-cases/create-wizard-account';
import { deleteAccount } from '@sipops/shared/use-cases/delete-account';
import { editAccount } from '@sipops/shared/use-cases/edit-account';
import { editProfile } from '@sipops/shared/use-cases/edit-profile';
import { exportAccounts, exportAccountsSchema } from '@sipops/shared/use-cases/export-accounts';
import { deriveImportId, importAccounts } from '@sipops/shared/use-cases/import-accounts';
import { listAccounts, listAccountsSchema } from '@sipops/shared/use-cases/list-accounts';
import { listGroups } from '@sipops/shared/use-cases/list-groups';
import { listProfiles } from '@sipops/shared/use-cases/list-profiles';
import { findLastSmsOf } from '@sipops/shared/use-cases/list-sms';
import { createProfileSchema, editProfileSchema } from '@sipops/shared/use-cases/profile-schemas';
import { revokeKeys } from '@sipops/shared/use-cases/revoke-keys';
import { createActivationSmsQueue } from '@sipops/shared/use-cases/send-activation-sms';
import { disableAccount, enableAccount } from '@sipops/shared/use-cases/set-account-enabled';
import { showAccount } from '@sipops/shared/use-cases/show-account';
import { parseInput } from '@sipops/shared/validation';
import { ACTIVATION_COMMANDS, formatLastSms } from './activation-commands.ts';
import {
  formatAccount,
  formatAccountPage,
  formatDecision,
  formatGroups,
  formatProfiles,
  toAccountJson,
} from './format.ts';
import {
  formatBatchCounts,
  formatBatchErrors,
  formatBatchProgress,
  formatDryRun,
  toBatchErrorsJson,
  toDryRunJson,
} from './format-batch.ts';
import { EXIT_REFUSED, UsageError } from './io.ts';
import type { CliContext } from './run-cli.ts';

type Values = Record<string, string | boolean | string[] | undefined>;
type Options = NonNullable<ParseArgsConfig['options']>;

export type CommandSpec = {
  name: string;
  usage: string;
  options: Options;
  positionals: [min: number, max: number];
  isDestructive?: boolean;
  run(call: {
    context: CliContext;
    values: Values;
    positionals: string[];
    isJson: boolean;
    // biome-ignore lint/suspicious/noConfusingVoidType: most commands return nothing (exit 0); a refusal with output of its own returns its code.
  }): Promise<void | number>;
};

const str = { type: 'string' } as const;
const many = { type: 'string', multiple: true } as const;

/** Options of `create` and `edit`, by flag, with the input field each one fills. */
const ACCOUNT_FLAGS = {
  group: ['group', str],
  profile: ['profile', str],
  password: ['password', str],
  security: ['securityModel', str],
  obfuscation: ['obfuscation', str],
  'obfuscation-key': ['obfuscationKey', str],
  'keep-alive': ['keepAlive', str],
  deny: ['deny', many],
  permit: ['permit', many],
} as const;
const CREATE_ONLY_FLAGS = {
  type: ['type', str],
  number: ['number', str],
  secondary: ['secondaryNumber', str],
  username: ['username', str],
} as const;
const PROFILE_FLAGS = {
  'sip-host': ['sipHost', str],
  'sip-port': ['sipPort', str],
  transport: ['transport', str],
  'ios-url': ['iosUrl', str],
  'android-url': ['androidUrl', str],
  brand: ['brand', str],
  'app-scheme': ['appScheme', str],
} as const;

type FlagTable = Record<string, readonly [string, { type: 'string'; multiple?: boolean }]>;

function optionsOf(...tables: FlagTable[]): Options {
  return Object.fromEntries(
    tables.flatMap((t) => Object.entries(t).map(([flag, [, option]]) => [flag, option])),
  );
}

/** The input object of a use case from the flags given; flags not given stay absent (defaults apply). */
function inputFrom(values: Values, ...tables: FlagTable[]): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const table of tables) {
    for (const [flag, [field]] of Object.entries(table)) {
      const value = values[flag];
      if (value === undefined) continue;
      input[field] = Array.isArray(value) ? value.flatMap(splitRules) : value;
    }
  }
  return input;
}

function print(context: CliContext, isJson: boolean, json: unknown, human: string): void {
  context.io.out(isJson ? `${JSON.stringify(json, null, 2)}\n` : human);
}

function printAccount(
  context: CliContext,
  isJson: boolean,
  account: AccountView,
  headline?: string,
): void {
  print(
    context,
    isJson,
    toAccountJson(account),
    `${headline ? `${headline}\n` : ''}${formatAccount(account)}`,
  );
}

function warnTo(context: CliContext, account: AccountView): void {
  // Warnings go to stderr so that --json output stays pure JSON.
  for (const warning of describeAccountWarnings(account))
    context.io.err(`warning: ${warning.field}: ${warning.message}\n`);
}

const ACCOUNT_USAGE =
  '[--security end-to-site|end-to-end] [--obfuscation on|off] [--obfuscation-key <0-255>] [--keep-alive on|off] [--deny <rule>]... [--permit <rule>]... [--profile <p>]';

export const COMMANDS: CommandSpec[] = [
  {
    name: 'group create',
    usage: 'group create <name> [--profile <profile>] [--channel <slack channel id>]',
    options: { profile: str, channel: str },
    positionals: [1, 1],
    async run({ context, values, positionals, isJson }) {
      const input = parseInput(createGroupSchema, {
        name: positionals[0],
        ...inputFrom(values, { profile: ['profile', str], channel: ['channel', str] }),
      });
      const group = await createGroup(await context.deps(), context.actor, input);
      print(context, isJson, group, `group ${group.name} created\n`);
    },
  },
  {
    name: 'group list',
    usage: 'group list',
    options: {},
    positionals: [0, 0],
    async run({ context, isJson }) {
      const groups = await listGroups(await context.deps());
      print(context, isJson, groups, formatGroups(groups));
    },
  },
  {
    name: 'profile create',
    usage:
      'profile create <name> --sip-host <host> [--sip-port <n>] [--transport tls|tcp|udp] [--ios-url <url>] [--android-url <url>] [--brand <name>] [--app-scheme <scheme>]',
    options: optionsOf(PROFILE_FLAGS),
    positionals: [1, 1],
    async run({ context, values, positionals, isJson }) {
      const input = parseInput(createProfileSchema, {
        name: positionals[0],
        ...inputFrom(values, PROFILE_FLAGS),
      });
      const profile = await createProfile(await context.deps(), context.actor, input);
      print(context, isJson, profile, `profile ${profile.name} created\n`);
    },
  },
  {
    name: 'profile edit',
    usage: 'profile edit <name> [any profile create option]',
    options: optionsOf(PROFILE_FLAGS),
    positionals: [1, 1],
    async run({ context, values, positionals, isJson }) {
      const input = parseInput(editProfileSchema, {
        name: positionals[0],
        ...inputFrom(values, PROFILE_FLAGS),
      });
      const profile = await editProfile(await context.deps(), context.actor, input);
      print(context, isJson, profile, `profile ${profile.name} saved\n`);
    },
  },
  {
    name: 'profile list',
    usage: 'profile list',
    options: {},
    positionals: [0, 0],
    async run({ context, isJson }) {
      const profiles = await listProfiles(await context.deps());
      print(context, isJson, profiles, formatProfiles(profiles));
    },
  },
  {
    name: 'create',
    usage: `create --group <g> --type pgsm|snom --number <n> --password <p> [--secondary <n>] [--username <u>] ${ACCOUNT_USAGE}`,
    options: optionsOf(ACCOUNT_FLAGS, CREATE_ONLY_FLAGS),
    positionals: [0, 0],
    async run({ context, values, isJson }) {
      const input = parseInput(
        plainAccountSchema,
        inputFrom(values, CREATE_ONLY_FLAGS, ACCOUNT_FLAGS),
      );
      const account = await createPlainAccount(await context.deps(), context.actor, input);
      warnTo(context, account);
      printAccount(context, isJson, account, `account ${account.username} created`);
    },
  },
  {
    name: 'wizard',
    usage: 'wizard --group <g> --number <+E.164 mobile> --profile <p>',
    options: { group: str, number: str, profile: str },
    positionals: [0, 0],
    async run({ context, values, isJson }) {
      const input = parseInput(
        wizardAccountSchema,
        inputFrom(values, {
          group: ['group', str],
          number: ['number', str],
          profile: ['profile', str],
        }),
      );
      const account = await createWizardAccount(await context.deps(), context.actor, input);
      printAccount(
        context,
        isJson,
        account,
        `account ${account.username} created, disabled until the user activates it`,
      );
    },
  },
  {
    name: 'show',
    usage: 'show <account>',
    options: {},
    positionals: [1, 1],
    async run({ context, positionals, isJson }) {
      const deps = await context.deps();
      const account = await showAccount(deps, positionals[0] ?? '');
      printAccount(context, isJson, account);
      // The delivery of the last activation SMS, under the card (the JSON keeps its contract).
      if (!isJson) context.io.out(formatLastSms(await findLastSmsOf(deps, account.id)));
    },
  },
  {
    name: 'list',
    usage: 'list [--group <g>] [--status <s>] [--enabled yes|no] [--limit <n>] [--offset <n>]',
    options: { group: str, status: str, enabled: str, limit: str, offset: str },
    positionals: [0, 0],
    async run(call) {
      await runList(call, undefined);
    },
  },
  {
    name: 'find',
    usage: 'find <part of a username or number> [--group <g>] [--status <s>] [--enabled yes|no]',
    options: { group: str, status: str, enabled: str, limit: str, offset: str },
    positionals: [1, 1],
    async run(call) {
      await runList(call, call.positionals[0]);
    },
  },
  {
    name: 'edit',
    usage: `edit <account> [--group <g>] [--password <p>] ${ACCOUNT_USAGE}  (--profile none: use the group's; --deny '' clears)`,
    options: optionsOf(ACCOUNT_FLAGS),
    positionals: [1, 1],
    async run({ context, values, positionals, isJson }) {
      const raw = inputFrom(values, ACCOUNT_FLAGS);
      if (raw.profile === 'none') raw.profile = null;
      if (Object.keys(raw).length === 0)
        throw new UsageError('edit needs at least one option to change');
      const changes = parseInput(accountChangesSchema, raw);
      const result = await editAccount(
        await context.deps(),
        context.actor,
        positionals[0] ?? '',
        changes,
      );
      warnTo(context, result.account);
      printAccount(
        context,
        isJson,
        result.account,
        result.isChanged ? `account ${result.account.username} saved` : 'nothing to change',
      );
    },
  },
  {
    name: 'disable',
    usage: 'disable <account> [--yes]',
    options: {},
    positionals: [1, 1],
    isDestructive: true,
    async run({ context, positionals, isJson }) {
      const result = await disableAccount(
        await context.deps(),
        context.actor,
        positionals[0] ?? '',
      );
      printAccount(
        context,
        isJson,
        result.account,
        result.isChanged
          ? `account ${result.account.username} disabled`
          : `account ${result.account.username} was already disabled`,
      );
    },
  },
  {
    name: 'enable',
    usage: 'enable <account> [--yes]',
    options: {},
    positionals: [1, 1],
    isDestructive: true,
    async run({ context, positionals, isJson }) {
      const result = await enableAccount(await context.deps(), context.actor, positionals[0] ?? '');
      printAccount(
        context,
        isJson,
        result.account,
        result.isChanged
          ? `account ${result.account.username} enabled`
          : `account ${result.account.username} was already enabled`,
      );
    },
  },
  {
    name: 'delete',
    usage: 'delete <account> [--yes]',
    options: {},
    positionals: [1, 1],
    isDestructive: true,
    async run({ context, positionals, isJson }) {
      const account = await deleteAccount(
        await context.deps(),
        context.actor,
        positionals[0] ?? '',
      );
      print(
        context,
        isJson,
        { deleted: toAccountJson(account) },
        `account ${account.username} (${account.number}) deleted\n`,
      );
    },
  },
  {
    name: 'revoke-keys',
    usage: 'revoke-keys <account> [--yes]',
    options: {},
    positionals: [1, 1],
    isDestructive: true,
    async run({ context, positionals, isJson }) {
      const result = await revokeKeys(await context.deps(), context.actor, positionals[0] ?? '');
      print(
        context,
        isJson,
        { account: toAccountJson(result.account), revokedKeys: result.revokedKeys },
        `${result.revokedKeys} key(s) of account ${result.account.username} revoked; a new key needs a new activation link\n`,
      );
    },
  },
  {
    name: 'acl-check',
    usage: 'acl-check <account> <ip>',
    options: {},
    positionals: [2, 2],
    async run({ context, positionals, isJson }) {
      const [name = '', address = ''] = positionals;
      const decision = await checkAccountAddress(await context.deps(), name, address);
      print(context, isJson, decision, formatDecision(address, decision));
    },
  },
  {
    name: 'import',
    usage:
      'import <file.csv> [--dry-run] [--send-sms] [--progress] [--import-id <id>]  (CSV format: see README)',
    options: {
      'dry-run': { type: 'boolean' },
      'send-sms': { type: 'boolean' },
      progress: { type: 'boolean' },
      'import-id': str,
    },
    positionals: [1, 1],
    async run({ context, values, positionals, isJson }) {
      const path = await requireReadableFile(resolve(context.cwd, positionals[0] ?? ''));
      const isSmsRequested = values['send-sms'] === true;
      const deps = await context.deps();
      const queueActivationSms = isSmsRequested
        ? createActivationSmsQueue(deps, context.actor)
        : undefined;
      const onProgress =
        values.progress === true || process.stderr.isTTY
          ? (progress: Parameters<typeof formatBatchProgress>[0]) =>
              context.io.err(formatBatchProgress(progress))
          : undefined;
      if (values['dry-run'] === true) {
        const summary = await checkBatch(
          deps,
          { source: createReadStream(path), isSmsRequested },
          { onProgress },
        );
        if (summary.errorCount > 0) return refuseBatch(context, isJson, summary);
        print(context, isJson, toDryRunJson(summary), formatDryRun(summary));
        return;
      }
      const importId =
        typeof values['import-id'] === 'string'
          ? values['import-id']
          : await deriveImportId(createReadStream(path), { isSmsRequested });
      const result = await importAccounts(
        deps,
        context.actor,
        { source: createReadStream(path), importId, isSmsRequested },
        { onProgress, queueActivationSms },
      );
      if (result.outcome === 'refused') return refuseBatch(context, isJson, result.summary);
      if (result.outcome === 'repeated') {
        const when = `${result.importedAt.toISOString()} by ${result.actor}`;
        if (isJson) context.io.err(`already imported at ${when}: nothing done\n`);
        print(
          context,
          isJson,
          { imported: result.imported },
          `already imported at ${when}: ${result.imported} account(s), nothing done this time\n`,
        );
        return;
      }
      print(
        context,
        isJson,
        { imported: result.imported },
        `${result.imported} account(s) imported: ${formatBatchCounts(result.summary)}${
          result.smsQueued > 0
            ? `${result.smsQueued} activation SMS queued: the running server sends them at SIPOPS_SMS_PER_SECOND and follows them in SIPOPS_NOTIFY_CHANNEL when Slack is set up\n`
            : ''
        }`,
      );
    },
  },
  {
    name: 'export',
    usage: 'export [--group <g>] [--status <s>]  (CSV on stdout, the import format)',
    options: { group: str, status: str },
    positionals: [0, 0],
    async run({ context, values, isJson }) {
      if (isJson) throw new UsageError('export writes CSV: --json does not apply');
      const input = parseInput(
        exportAccountsSchema,
        inputFrom(values, { group: ['group', str], status: ['status', str] }),
      );
      await exportAccounts(await context.deps(), input, (chunk) => context.io.out(chunk));
    },
  },
  ...ACTIVATION_COMMANDS,
];

async function runList(
  { context, values, isJson }: { context: CliContext; values: Values; isJson: boolean },
  text: string | undefined,
): Promise<void> {
  const input = parseInput(listAccountsSchema, {
    ...inputFrom(values, {
      group: ['group', str],
      status: ['status', str],
      enabled: ['enabled', str],
    }),
    ...(text === undefined ? {} : { text }),
    ...(values.limit === undefined ? {} : { limit: toInteger(values.limit, '--limit') }),
    ...(values.offset === undefined ? {} : { offset: toInteger(values.offset, '--offset') }),
  });
  const page = await listAccounts(await context.deps(), input);
  print(context, isJson, page.accounts.map(toAccountJson), formatAccountPage(page));
}

/** The errors of a refused file: on stderr, or as `{"errors": [...]}` on stdout with --json. */
function refuseBatch(context: CliContext, isJson: boolean, summary: BatchSummary): number {
  context.io.err(formatBatchErrors(summary));
  if (isJson) context.io.out(`${JSON.stringify(toBatchErrorsJson(summary), null, 2)}\n`);
  return EXIT_REFUSED;
}

async function requireReadableFile(path: string): Promise<string> {
  try {
    await access(path, constants.R_OK);
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not readable';
    throw new AppError('NOT_FOUND', `cannot read ${path}: ${reason}`, { field: 'file' });
  }
  return path;
}

function toInteger(value: unknown, flag: string): number {
  if (typeof value !== 'string' || !/^\d+$/.test(value))
    throw new UsageError(`${flag} takes a whole number`);
  return Number(value);
}

export function findCommand(first: string, second: string | undefined): CommandSpec | undefined {
  return (
    COMMANDS.find((c) => c.name === `${first} ${second}`) ?? COMMANDS.find((c) => c.name === first)
  );
}

export const HELP_TEXT = `usage: npm run sip -- <command> [--json]

${COMMANDS.map((c) => `  ${c.usage}`).join('\n')}

Accounts are named by username or by either number. --json prints JSON on stdout.
Exit codes: 0 done, 1 refused (the field is named on stderr), 2 usage, 3 failed.
`;
