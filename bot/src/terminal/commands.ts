import {
  accountChangesSchema,
  plainAccountSchema,
  wizardAccountSchema,
} from '@sipops/shared/account-schemas';
import type { AccountView } from '@sipops/shared/account-view';
import { describeAccountWarnings } from '@sipops/shared/account-warnings';
import { type BatchSummary, checkBatch } from '@sipops/shared/batch/check-batch';
import { countCsvRows, ProgressMeter } from '@sipops/shared/batch/progress-meter';
import { MAX_LOGO_BYTES } from '@sipops/shared/branding/logo';
import { measureProfileSms } from '@sipops/shared/branding/profile-sms';
import type { ActivationDeps, Actor } from '@sipops/shared/deps';
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
import { listClients, listClientsSchema } from '@sipops/shared/use-cases/list-clients';
import { listGroups } from '@sipops/shared/use-cases/list-groups';
import { listProfiles } from '@sipops/shared/use-cases/list-profiles';
import { findLastSmsOf } from '@sipops/shared/use-cases/list-sms';
import { createProfileSchema, editProfileSchema } from '@sipops/shared/use-cases/profile-schemas';
import type { ProfileView } from '@sipops/shared/use-cases/profile-view';
import { revokeKeys } from '@sipops/shared/use-cases/revoke-keys';
import { createActivationSmsQueue } from '@sipops/shared/use-cases/send-activation-sms';
import { disableAccount, enableAccount } from '@sipops/shared/use-cases/set-account-enabled';
import { showAccount } from '@sipops/shared/use-cases/show-account';
import { showRegistrations } from '@sipops/shared/use-cases/show-registrations';
import { parseInput } from '@sipops/shared/validation';
import type { z } from 'zod';
import { ACTIVATION_COMMANDS, formatLastSms } from './activation-commands.ts';
import {
  type CallerFile,
  CallerFileError,
  type CallerFileSource,
  openCallerFile,
} from './caller-files.ts';
import {
  ACCOUNT_FIELD_FLAGS,
  type FlagName,
  type FlagUse,
  fieldLabel,
  inputFrom,
  type RefusedFlags,
  SMS_FLAGS,
  usageOf,
  type Values,
} from './flags.ts';
import {
  formatAccount,
  formatAccountPage,
  formatDecision,
  formatGroups,
  formatProfileSms,
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
import { formatClients, formatRegistrations, toClientsJson } from './format-registrations.ts';
import { EXIT_FAILED, EXIT_REFUSED, UsageError } from './io.ts';
import type { CliContext } from './run-cli.ts';
import { STAFF_COMMANDS } from './staff-commands.ts';

export type CommandSpec = {
  name: string;
  /** The positional arguments as the usage line shows them: `<account>`. */
  args?: string;
  /** The flags it takes: the parser's options and the usage line both come from here. */
  flags: Partial<Record<FlagName, FlagUse>>;
  /** Flags of other commands it cannot take, each with why (`edit --number`). */
  refused?: RefusedFlags;
  /** A short remark after the usage line. */
  note?: string;
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

/** Every account setting, optional on create and edit (which apply is checked by type). */
const ACCOUNT_SETTINGS = Object.fromEntries(
  Object.keys(ACCOUNT_FIELD_FLAGS).map((flag) => [flag, 'optional']),
) as Record<keyof typeof ACCOUNT_FIELD_FLAGS, 'optional'>;
const PROFILE_SETTINGS = {
  'sip-port': 'optional',
  transport: 'optional',
  'ios-url': 'optional',
  'android-url': 'optional',
  brand: 'optional',
  'app-scheme': 'optional',
  'app-link': 'optional',
  'reg-expires': 'optional',
  credentials: 'optional',
  realm: 'optional',
  'accent-color': 'optional',
  support: 'optional',
  'time-zone': 'optional',
  logo: 'optional',
  ...(Object.fromEntries(Object.keys(SMS_FLAGS).map((flag) => [flag, 'optional'])) as Record<
    keyof typeof SMS_FLAGS,
    'optional'
  >),
} as const;
/** The profile flags whose value goes into the input as it is written. */
const PLAIN_PROFILE_FLAGS = (Object.keys(PROFILE_SETTINGS) as FlagName[]).filter(
  (flag) => flag !== 'logo' && !Object.hasOwn(SMS_FLAGS, flag),
);

/** The branding flags that are not plain strings: the logo file, read here, and SMS wording. */
async function profileExtrasFrom(
  values: Values,
  files: CallerFileSource,
): Promise<Record<string, unknown>> {
  const extras: Record<string, unknown> = {};
  const templates: Record<string, Record<string, string>> = {};
  for (const [flag, definition] of Object.entries(SMS_FLAGS)) {
    const value = values[flag];
    const [, kind = '', locale = ''] = definition.field?.split('.') ?? [];
    if (typeof value === 'string') templates[kind] = { ...templates[kind], [locale]: value };
  }
  if (Object.keys(templates).length > 0) extras.smsTemplates = templates;
  const logo = values.logo;
  if (typeof logo === 'string') {
    if (logo === '' || logo === 'none') extras.logo = null;
    else extras.logo = await readAll(await requireLogoFile(files, logo));
  }
  return extras;
}
const DELETE_AND_RECREATE = 'delete and re-create';
/** What edit cannot change, and why. */
const UNCHANGEABLE: RefusedFlags = {
  number: `numbers cannot change: ${DELETE_AND_RECREATE}`,
  secondary: `numbers cannot change: ${DELETE_AND_RECREATE}`,
  type: `the type cannot change: ${DELETE_AND_RECREATE}`,
  username: `the username cannot change: ${DELETE_AND_RECREATE}`,
};
/** What the wizard generates or fixes itself. */
const WIZARD_FIXED: RefusedFlags = {
  password: 'is generated for wizard accounts and never shown: use `create` to choose one',
  username: 'is generated for wizard accounts: use `create` to choose one',
  secondary: 'a wizard account has one number: use `create` for a secondary number',
  type: 'a wizard account is always PGSM: use `create` for SNOM',
};

const flagsOf = (spec: Pick<CommandSpec, 'flags'>) => Object.keys(spec.flags) as FlagName[];

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
  // Warnings go to stderr so that --json output stays pure JSON; they name flags, as errors do.
  for (const warning of describeAccountWarnings(account))
    context.io.err(`warning: ${fieldLabel(warning.field)}: ${warning.message}\n`);
}

/**
 * `profile create` and `profile edit`: the same flags (the SIP host required on create only),
 * read the same way; each answer shows what each SMS of the saved profile costs.
 */
function profileSaveCommand<S extends z.ZodType>(
  verb: 'create' | 'edit',
  schema: S,
  save: (deps: ActivationDeps, actor: Actor, input: z.output<S>) => Promise<ProfileView>,
): CommandSpec {
  return {
    name: `profile ${verb}`,
    args: '<name>',
    flags: { 'sip-host': verb === 'create' ? 'required' : 'optional', ...PROFILE_SETTINGS },
    positionals: [1, 1],
    async run({ context, values, positionals, isJson }) {
      const input = parseInput(schema, {
        name: positionals[0],
        ...inputFrom(values, ['sip-host', ...PLAIN_PROFILE_FLAGS]),
        ...(await profileExtrasFrom(values, context)),
      });
      const deps = await context.deps();
      const profile = await save(deps, context.actor, input);
      // What each SMS costs, shown to the staff who saved it.
      const sms = measureProfileSms(profile.smsTemplates, profile.brand, deps.publicBaseUrl);
      print(
        context,
        isJson,
        { ...profile, sms },
        `profile ${profile.name} ${verb === 'create' ? 'created' : 'saved'}\n${formatProfileSms(sms)}`,
      );
    },
  };
}

/** `disable` and `enable`: the one switch, said back as it was found. */
function enabledCommand(
  name: 'disable' | 'enable',
  setEnabled: typeof disableAccount,
): CommandSpec {
  return {
    name,
    args: '<account>',
    flags: {},
    positionals: [1, 1],
    isDestructive: true,
    async run({ context, positionals, isJson }) {
      const result = await setEnabled(await context.deps(), context.actor, positionals[0] ?? '');
      const { username } = result.account;
      printAccount(
        context,
        isJson,
        result.account,
        result.isChanged
          ? `account ${username} ${name}d`
          : `account ${username} was already ${name}d`,
      );
    },
  };
}

const LIST_FLAGS = {
  group: 'optional',
  status: 'optional',
  enabled: 'optional',
  limit: 'optional',
  offset: 'optional',
} as const;

export const COMMANDS: CommandSpec[] = [
  {
    name: 'group create',
    args: '<name>',
    flags: { profile: 'optional', channel: 'optional' },
    positionals: [1, 1],
    async run({ context, values, positionals, isJson }) {
      const input = parseInput(createGroupSchema, {
        name: positionals[0],
        ...inputFrom(values, ['profile', 'channel']),
      });
      const group = await createGroup(await context.deps(), context.actor, input);
      print(context, isJson, group, `group ${group.name} created\n`);
    },
  },
  {
    name: 'group list',
    flags: {},
    positionals: [0, 0],
    async run({ context, isJson }) {
      const groups = await listGroups(await context.deps());
      print(context, isJson, groups, formatGroups(groups));
    },
  },
  profileSaveCommand('create', createProfileSchema, createProfile),
  profileSaveCommand('edit', editProfileSchema, editProfile),
  {
    name: 'profile list',
    flags: {},
    positionals: [0, 0],
    async run({ context, isJson }) {
      const profiles = await listProfiles(await context.deps());
      print(context, isJson, profiles, formatProfiles(profiles));
    },
  },
  {
    name: 'create',
    flags: {
      group: 'required',
      type: 'required',
      number: 'required',
      password: 'required',
      secondary: 'optional',
      username: 'optional',
      profile: 'optional',
      ...ACCOUNT_SETTINGS,
    },
    positionals: [0, 0],
    async run({ context, values, isJson }) {
      const input = parseInput(plainAccountSchema, inputFrom(values, flagsOf(this)));
      const account = await createPlainAccount(await context.deps(), context.actor, input);
      warnTo(context, account);
      printAccount(context, isJson, account, `account ${account.username} created`);
    },
  },
  {
    name: 'wizard',
    flags: { group: 'required', number: 'required', profile: 'optional' },
    refused: WIZARD_FIXED,
    note: "--number: an international mobile; without --profile, the group's",
    positionals: [0, 0],
    async run({ context, values, isJson }) {
      const input = parseInput(wizardAccountSchema, inputFrom(values, flagsOf(this)));
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
    args: '<account>',
    flags: {},
    positionals: [1, 1],
    async run({ context, positionals, isJson }) {
      const deps = await context.deps();
      const account = await showAccount(deps, positionals[0] ?? '');
      printAccount(context, isJson, account);
      // The delivery of the last activation SMS, under the card (the JSON keeps its contract).
      if (!isJson) context.io.out(formatLastSms(await findLastSmsOf(deps, account.id)));
      // Who is registered now, and what the registrar confirmed last.
      if (!isJson) context.io.out(formatRegistrations(await showRegistrations(deps, account)));
    },
  },
  {
    name: 'clients',
    args: '[<group>]',
    note: 'who is registered on the SIP server now',
    flags: {},
    positionals: [0, 1],
    async run({ context, positionals, isJson }) {
      const input = parseInput(
        listClientsSchema,
        positionals[0] === undefined ? {} : { group: positionals[0] },
      );
      const list = await listClients(await context.deps(), input);
      if (list.state !== 'connected') {
        context.io.err(`sip: ${list.reason}\n`);
        return EXIT_FAILED;
      }
      print(context, isJson, toClientsJson(list), formatClients(list));
    },
  },
  {
    name: 'list',
    flags: LIST_FLAGS,
    positionals: [0, 0],
    async run(call) {
      await runList(call, undefined);
    },
  },
  {
    name: 'find',
    args: '<part of a username or number>',
    flags: LIST_FLAGS,
    positionals: [1, 1],
    async run(call) {
      await runList(call, call.positionals[0]);
    },
  },
  {
    name: 'edit',
    args: '<account>',
    flags: {
      group: 'optional',
      password: 'optional',
      profile: 'optional',
      ...ACCOUNT_SETTINGS,
    },
    refused: UNCHANGEABLE,
    note: "--profile none: use the group's; --deny '' clears",
    positionals: [1, 1],
    async run({ context, values, positionals, isJson }) {
      const raw = inputFrom(values, flagsOf(this));
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
  enabledCommand('disable', disableAccount),
  enabledCommand('enable', enableAccount),
  {
    name: 'delete',
    args: '<account>',
    flags: {},
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
    args: '<account>',
    flags: {},
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
    args: '<account> <ip>',
    flags: {},
    positionals: [2, 2],
    async run({ context, positionals, isJson }) {
      const [name = '', address = ''] = positionals;
      const decision = await checkAccountAddress(await context.deps(), name, address);
      print(context, isJson, decision, formatDecision(address, decision));
    },
  },
  {
    name: 'import',
    args: '<file.csv>',
    flags: {
      'dry-run': 'optional',
      'send-sms': 'optional',
      progress: 'optional',
      'import-id': 'optional',
    },
    note: 'CSV format: see README; progress on a terminal, or with --progress',
    positionals: [1, 1],
    async run({ context, values, positionals, isJson }) {
      const file = await requireImportFile(context, positionals[0] ?? '');
      const isSmsRequested = values['send-sms'] === true;
      const deps = await context.deps();
      const queueActivationSms = isSmsRequested
        ? createActivationSmsQueue(deps, context.actor)
        : undefined;
      const isDryRun = values['dry-run'] === true;
      const meter = await progressMeterOf(context, file, {
        isImport: !isDryRun,
        isShown: values.progress === true || context.io.isErrTerminal,
      });
      if (isDryRun) {
        const summary = await checkBatch(
          deps,
          { source: file.stream(), isSmsRequested },
          { onProgress: meter?.listener },
        );
        meter?.finish();
        if (summary.errorCount > 0) return refuseBatch(context, isJson, summary);
        print(context, isJson, toDryRunJson(summary), formatDryRun(summary));
        return;
      }
      const importId =
        typeof values['import-id'] === 'string'
          ? values['import-id']
          : await deriveImportId(file.stream(), { isSmsRequested });
      const result = await importAccounts(
        deps,
        context.actor,
        { source: file.stream(), importId, isSmsRequested },
        { onProgress: meter?.listener, queueActivationSms },
      );
      if (result.outcome !== 'repeated') meter?.finish();
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
    flags: { group: 'optional', status: 'optional' },
    note: 'CSV on stdout, the import format',
    positionals: [0, 0],
    async run({ context, values, isJson }) {
      if (isJson) throw new UsageError('export writes CSV: --json does not apply');
      const input = parseInput(exportAccountsSchema, inputFrom(values, ['group', 'status']));
      await exportAccounts(await context.deps(), input, (chunk) => context.io.out(chunk));
    },
  },
  ...ACTIVATION_COMMANDS,
  ...STAFF_COMMANDS,
];

async function runList(
  { context, values, isJson }: { context: CliContext; values: Values; isJson: boolean },
  text: string | undefined,
): Promise<void> {
  const input = parseInput(listAccountsSchema, {
    ...inputFrom(values, ['group', 'status', 'enabled']),
    ...(text === undefined ? {} : { text }),
    ...(values.limit === undefined ? {} : { limit: toInteger(values.limit, '--limit') }),
    ...(values.offset === undefined ? {} : { offset: toInteger(values.offset, '--offset') }),
  });
  const page = await listAccounts(await context.deps(), input);
  print(context, isJson, page.accounts.map(toAccountJson), formatAccountPage(page));
}

/** The progress of an import or a check on stderr, when asked for or on a terminal. */
async function progressMeterOf(
  context: CliContext,
  file: CallerFile,
  options: { isImport: boolean; isShown: boolean },
): Promise<ProgressMeter | undefined> {
  if (!options.isShown) return undefined;
  // One quick pass for the total, so that the reading has a percentage and a time left.
  const total = await countCsvRows(file.stream());
  const isBar = context.io.isErrTerminal;
  let last = '';
  return new ProgressMeter({
    isImport: options.isImport,
    total,
    onReading: (reading) => {
      const text = formatBatchProgress(reading, isBar);
      // The last reading repeats the one before when nothing moved since: a line once.
      if (text !== last || isBar) context.io.err(text);
      last = text;
    },
  });
}

/** The errors of a refused file: on stderr, or as `{"errors": [...]}` on stdout with --json. */
function refuseBatch(context: CliContext, isJson: boolean, summary: BatchSummary): number {
  context.io.err(formatBatchErrors(summary));
  if (isJson) context.io.out(`${JSON.stringify(toBatchErrorsJson(summary), null, 2)}\n`);
  return EXIT_REFUSED;
}

/** The largest CSV file `import` reads (a 100,000-row export is about 20 MB). */
export const MAX_IMPORT_FILE_BYTES = 512 * 1024 * 1024;

/**
 * The CSV file an import names: a readable regular file of at most MAX_IMPORT_FILE_BYTES (not a
 * folder, nor a device that never ends). Checked by the process of the person who typed the
 * command, so it reads only what they may read; the server only takes what that process sent.
 */
export async function requireImportFile(
  files: CallerFileSource,
  name: string,
): Promise<CallerFile> {
  const refuse = (path: string, reason: string) =>
    new AppError('VALIDATION', `cannot import ${path}: ${reason}`, { field: 'file' });
  let file: CallerFile;
  try {
    file = await openCallerFile(files, name);
  } catch (error) {
    if (error instanceof CallerFileError) throw refuse(error.path, error.reason);
    throw error;
  }
  if (file.size > MAX_IMPORT_FILE_BYTES)
    throw refuse(file.path, `larger than ${MAX_IMPORT_FILE_BYTES / 1024 / 1024} MB`);
  return file;
}

/** A profile's logo file, checked before it is read: a wrong file given by mistake can be large. */
export async function requireLogoFile(files: CallerFileSource, name: string): Promise<CallerFile> {
  let file: CallerFile;
  try {
    file = await openCallerFile(files, name);
  } catch (error) {
    if (error instanceof CallerFileError)
      throw new AppError('NOT_FOUND', `cannot read ${error.path}: ${error.reason}`, {
        field: 'logo',
      });
    throw error;
  }
  if (file.size > MAX_LOGO_BYTES)
    throw new AppError(
      'VALIDATION',
      `must be at most ${MAX_LOGO_BYTES / 1024} KB (${name} is ${Math.ceil(file.size / 1024)} KB)`,
      { field: 'logo' },
    );
  return file;
}

async function readAll(file: CallerFile): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of file.stream()) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
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

${COMMANDS.map((c) => `  ${usageOf(c)}`).join('\n')}

help [<command>] or <command> --help prints this, or the command's usage, on stdout.
Accounts are named by username or by either number. --json prints JSON on stdout.
Exit codes: 0 done, 1 refused (the field is named on stderr), 2 usage, 3 failed.
`;
