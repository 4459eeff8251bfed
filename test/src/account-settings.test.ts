import { type FormState, readCreateAccountForm } from '@sipops/bot/slack/form-input';
import { fieldLabel as slackFieldLabel } from '@sipops/bot/slack/slack-errors';
import { buildAccountCard } from '@sipops/bot/slack/views/account-card';
import {
  buildCreateAccountModal,
  buildEditAccountModal,
} from '@sipops/bot/slack/views/account-forms';
import { HELP_TEXT } from '@sipops/bot/terminal/commands';
import { fieldLabel as terminalFieldLabel } from '@sipops/bot/terminal/flags';
import { formatAccount } from '@sipops/bot/terminal/format';
import { runCli } from '@sipops/bot/terminal/run-cli';
import { accounts } from '@sipops/db/schema';
import { createTestDatabase, type TestDatabase } from '@sipops/db/testing';
import {
  ACCOUNT_FIELDS,
  type AccountFieldName,
  accountFieldsOf,
  type RegisteredField,
} from '@sipops/shared/account-fields';
import { plainAccountSchema } from '@sipops/shared/account-schemas';
import type { AccountView } from '@sipops/shared/account-view';
import { CSV_COLUMNS, formatFieldCell } from '@sipops/shared/batch/csv-format';
import type { ActivationDeps } from '@sipops/shared/deps';
import { extension, mobileNumber, seedGroups } from '@sipops/shared/testing/test-fixture';
import { exportAccounts } from '@sipops/shared/use-cases/export-accounts';
import { parseInput } from '@sipops/shared/validation';
import type { InputBlock, KnownBlock } from '@slack/types';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferedIo } from './buffered-io.ts';

/**
 * Every account setting is defined once, in the account registry; these tests go through the
 * registry and check that each setting reaches every front end: the terminal's flags and help,
 * the Slack forms and cards, the CSV, the JSON, the database.
 */

const TYPES = ['pgsm', 'snom'] as const;
const FIELDS: readonly RegisteredField[] = ACCOUNT_FIELDS;

/** A value staff would type for a setting, other than its default. */
function typedValue(field: RegisteredField): string {
  switch (field.kind) {
    case 'choice':
      return field.form.options?.at(-1)?.value ?? '';
    case 'switch':
      return field.default === true ? 'off' : 'on';
    case 'number':
      return '42';
    case 'rules':
      return '10.0.0.0/8';
    case 'text':
      return 'typed in a test';
  }
}

/** What the registry's schema makes of the typed value: what the account then holds. */
const storedValue = (field: RegisteredField) => field.schema.parse(typedValue(field));

function inputBlocks(blocks: readonly unknown[]): Map<string, InputBlock> {
  return new Map(
    (blocks as KnownBlock[]).flatMap((block) =>
      block.type === 'input' && block.block_id ? [[block.block_id, block]] : [],
    ),
  );
}

/** A submitted Slack input holding the typed value of a setting. */
function submitted(field: RegisteredField): FormState[string][string] {
  const value = typedValue(field);
  if (field.kind === 'choice')
    return { type: 'radio_buttons', selected_option: { value } } as never;
  if (field.kind === 'switch')
    return {
      type: 'checkboxes',
      selected_options: value === 'on' ? [{ value: 'on' }] : [],
    } as never;
  return { type: 'plain_text_input', value } as never;
}

describe('the account registry', () => {
  const usageLine = (command: string) =>
    HELP_TEXT.split('\n').find((line) => line.startsWith(`  ${command} `)) ?? '';

  it('gives every setting its flag in the usage of create and edit', () => {
    for (const field of FIELDS) {
      const text = `[--${field.flag.name} ${field.flag.value}]${field.kind === 'rules' ? '...' : ''}`;
      expect(usageLine('create'), field.name).toContain(text);
      expect(usageLine('edit'), field.name).toContain(text);
      // A refusal of the setting names the flag the operator typed.
      expect(terminalFieldLabel(field.name)).toBe(`--${field.flag.name}`);
    }
  });

  it('gives every setting its CSV column, between the identity and the passwords', () => {
    expect(CSV_COLUMNS.slice(0, 8)).toEqual([
      'group',
      'username',
      'way',
      'type',
      'number',
      'secondary_number',
      'profile',
      'enabled',
    ]);
    expect(CSV_COLUMNS.slice(8, -2)).toEqual(FIELDS.map((field) => field.csv));
    expect(CSV_COLUMNS.slice(-2)).toEqual(['password', 'sealed_password']);
  });

  it.each(TYPES)('puts the settings of %s in the create form, and reads them back', (type) => {
    const choices = { groups: [{ name: 'acme', profile: null, channel: null }], profiles: [] };
    const blocks = inputBlocks(buildCreateAccountModal(type, choices as never, '').blocks);
    const state: FormState = {
      type: { type: { type: 'radio_buttons', selected_option: { value: type } } as never },
      group: { group: { type: 'plain_text_input', value: 'acme' } },
      number: { number: { type: 'plain_text_input', value: '+39 347 100 0001' } },
      password: { password: { type: 'plain_text_input', value: 'Secret-pass-1' } },
      passwordConfirm: { passwordConfirm: { type: 'plain_text_input', value: 'Secret-pass-1' } },
    };
    for (const field of FIELDS) {
      const block = blocks.get(field.name);
      if (!field.types.includes(type)) {
        expect(block, `${field.name} on a ${type} form`).toBeUndefined();
        continue;
      }
      expect(block?.label.text, field.name).toBe(field.form.label);
      expect(block?.element.action_id, field.name).toBe(field.name);
      if (field.form.hint) expect(block?.hint?.text, field.name).toBe(field.form.hint);
      state[field.name] = { [field.name]: submitted(field) };
    }
    const input = parseInput(plainAccountSchema, readCreateAccountForm(state));
    for (const field of accountFieldsOf(type))
      expect((input as Record<string, unknown>)[field.name], field.name).toEqual(
        storedValue(field),
      );
    // A refused setting is shown on its own block, in the operator's words elsewhere.
    for (const field of FIELDS) expect(slackFieldLabel(field.name)).toBe(field.label);
  });
});

describe('every account setting, typed in the terminal', () => {
  let database: TestDatabase;
  let deps: ActivationDeps;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    deps = {
      db: database.db,
      clock: { now: () => new Date('2025-03-01T09:00:00.000Z') },
      secretKey: Buffer.alloc(32, 7),
      publicBaseUrl: 'https://sip.example.com',
      linkTtlMs: 60_000,
    };
    await seedGroups(deps, [{ name: 'acme' }]);
  });
  afterAll(() => database.close());

  async function sip(...argv: string[]) {
    const io = bufferedIo();
    const code = await runCli(argv, {
      io,
      actor: 'terminal:test',
      cwd: '/tmp',
      settings: { admins: [], smsMode: 'local' },
      deps: async () => deps,
    });
    expect(code, io.stderr).toBe(0);
    return io.stdout;
  }

  it.each(TYPES)('reaches the JSON, the database, the cards and the export (%s)', async (type) => {
    const number = type === 'pgsm' ? mobileNumber() : extension();
    const flags = accountFieldsOf(type).flatMap((f) => [`--${f.flag.name}`, typedValue(f)]);
    const json = JSON.parse(
      await sip(
        'create',
        '--group',
        'acme',
        '--type',
        type,
        '--number',
        number,
        ...flags,
        ...['--password', 'Secret-pass-1', '--json'],
      ),
    ) as Record<string, unknown>;
    const [row] = await deps.db
      .select()
      .from(accounts)
      .where(eq(accounts.username, String(json.username)));
    let csv = '';
    await exportAccounts(deps, {}, (chunk) => {
      csv += chunk;
    });
    const [header = '', ...lines] = csv.trim().split('\n');
    const cells = lines.find((line) => line.includes(String(json.username)))?.split(',') ?? [];
    const cellOf = (column: string) => cells[header.split(',').indexOf(column)];
    const view = { ...json, id: 'x', isProfileInherited: true } as unknown as AccountView;
    const card = formatAccount(view);
    const slackCard = JSON.stringify(
      buildAccountCard(view, { isActivationAvailable: false }).blocks,
    );
    const editForm = inputBlocks(
      buildEditAccountModal(view, { groups: [], profiles: [] }, '').blocks,
    );

    for (const field of FIELDS) {
      const name: AccountFieldName = field.name;
      const isOwn = field.types.includes(type);
      expect(Object.keys(json), name).toContain(name);
      expect(cellOf(field.csv), name).toBeDefined();
      if (!isOwn) {
        expect(json[name], name).toBeNull();
        expect(editForm.has(name), name).toBe(false);
        continue;
      }
      const stored = storedValue(field);
      expect(json[name], name).toEqual(stored);
      expect(row?.[name], name).toEqual(stored);
      expect(cellOf(field.csv), name).toBe(formatFieldCell(field, stored));
      expect(card, name).toMatch(new RegExp(`^${field.label} `, 'm'));
      expect(slackCard, name).toContain(`*${field.form.cardLabel ?? field.form.label}*`);
      expect(editForm.has(name), name).toBe(true);
    }
  });
});
