import { accountFieldsOf, type RegisteredField } from '@sipops/shared/account-fields';
import type { AccountView } from '@sipops/shared/account-view';
import { describeAccountWarnings } from '@sipops/shared/account-warnings';
import { canOfferActivationSms } from '@sipops/shared/activation-eligibility';
import type { AccountRegistrations } from '@sipops/shared/use-cases/show-registrations';
import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import { fieldLabel } from '../slack-errors.ts';
import {
  confirmDialog,
  context,
  escapeText,
  LIMITS,
  mrkdwn,
  plain,
  type SlackMessage,
  section,
  slackDate,
  truncate,
} from './blocks.ts';
import { registrationBlocks } from './registrations.ts';

/** The buttons of an account card, by action id. */
export const CARD_ACTIONS = {
  edit: 'account_edit',
  activate: 'account_activate',
  disable: 'account_disable',
  enable: 'account_enable',
  revokeKeys: 'account_revoke_keys',
  delete: 'account_delete',
  history: 'account_history',
} as const;
export type CardAction = keyof typeof CARD_ACTIONS;

/**
 * What a card button carries: the account, and the version of it the card shows, so that a
 * second click on a card the first click made stale does not act again.
 */
export type CardButtonValue = { account: string; version: string };

export function encodeCardValue(account: AccountView): string {
  return JSON.stringify({ a: account.username, v: account.updatedAt });
}

export function decodeCardValue(value: string | undefined): CardButtonValue | undefined {
  try {
    const parsed = JSON.parse(value ?? '') as { a?: unknown; v?: unknown };
    if (typeof parsed.a === 'string' && typeof parsed.v === 'string')
      return { account: parsed.a, version: parsed.v };
  } catch {
    // Not one of ours.
  }
  return undefined;
}

export type AccountCardOptions = {
  /** A line above the card: what just happened, or what to press. */
  note?: string;
  /** Whether activation SMS can be sent at all in this installation. */
  isActivationAvailable: boolean;
  /** Who is registered now, and the last removal the registrar confirmed (show). */
  registrations?: AccountRegistrations;
};

const yesNo = (value: boolean | null) => (value === null ? '—' : value ? 'on' : 'off');
const orDash = (value: string | number | null) =>
  value === null || value === '' ? '—' : escapeText(String(value));

function field(label: string, value: string) {
  return mrkdwn(`*${label}*\n${value}`, LIMITS.fieldText);
}

function rulesText(rules: string[] | null): string {
  if (!rules || rules.length === 0) return '—';
  return truncate(rules.map((rule) => `\`${rule}\``).join('\n'), LIMITS.fieldText - 20);
}

/** A setting on the card: on/off, rules one per line, `—` when there is none. */
function settingText(setting: RegisteredField, value: unknown): string {
  if (setting.kind === 'switch') return yesNo(value as boolean | null);
  if (setting.kind === 'rules') return rulesText(value as string[] | null);
  return orDash(value as string | number | null);
}

/** The summary card of an account: its fields (never the password) and its action buttons. */
export function buildAccountCard(account: AccountView, options: AccountCardOptions): SlackMessage {
  const profile = account.profile
    ? `${escapeText(account.profile)}${account.isProfileInherited ? ' (from group)' : ''}`
    : '—';
  const blocks: KnownBlock[] = [];
  if (options.note) blocks.push(section(options.note));
  blocks.push(
    { type: 'header', text: plain(`Account ${account.username}`, LIMITS.headerText) },
    {
      type: 'section',
      fields: [
        field('Virtual number', orDash(account.number)),
        field('Secondary number', orDash(account.secondaryNumber)),
        field('Type', account.type.toUpperCase()),
        field('Group', escapeText(account.group)),
        field('Provisioning profile', profile),
        field('Enabled', account.enabled ? 'yes' : 'no'),
        field('Last status', `${account.status}\n${slackDate(account.statusChangedAt)}`),
        field('Created', `${account.createdVia} way, ${slackDate(account.createdAt)}`),
      ],
    },
  );
  blocks.push({
    type: 'section',
    fields: accountFieldsOf(account.type).map((setting) =>
      field(
        setting.form.cardLabel ?? setting.form.label,
        settingText(setting, account[setting.name]),
      ),
    ),
  });
  const warnings = describeAccountWarnings(account);
  if (warnings.length > 0) {
    blocks.push(
      context(
        ...warnings.map(
          (warning) => `:warning: *${fieldLabel(warning.field)}*: ${escapeText(warning.message)}`,
        ),
      ),
    );
  }
  if (options.registrations) blocks.push(...registrationBlocks(options.registrations));
  blocks.push(cardButtons(account, options));
  return { text: `Account ${account.username} (${account.number})`, blocks };
}

function cardButtons(account: AccountView, options: AccountCardOptions): ActionsBlock {
  const value = encodeCardValue(account);
  const name = `*${escapeText(account.username)}* (${account.number})`;
  const button = (action: CardAction, text: string, extra: Partial<Button> = {}): Button => ({
    type: 'button',
    action_id: CARD_ACTIONS[action],
    text: plain(text, LIMITS.buttonText),
    value,
    ...extra,
  });
  const elements: Button[] = [button('edit', 'Edit', { style: 'primary' })];
  if (options.isActivationAvailable && canOfferActivationSms(account)) {
    elements.push(
      button('activate', 'Send activation SMS', {
        confirm: confirmDialog(
          'Send the activation SMS?',
          `An SMS with a new activation link goes to ${account.number}. Any earlier link stops working.`,
          'Send SMS',
          'primary',
        ),
      }),
    );
  }
  elements.push(
    account.enabled
      ? button('disable', 'Disable', {
          style: 'danger',
          confirm: confirmDialog(
            'Disable this account?',
            `${name} will neither call nor be called (callers hear an announcement) until it is enabled again.`,
            'Disable',
          ),
        })
      : button('enable', 'Enable', {
          confirm: confirmDialog(
            'Enable this account?',
            `${name} will call and be called again.`,
            'Enable',
            'primary',
          ),
        }),
    button('revokeKeys', 'Revoke keys', {
      confirm: confirmDialog(
        'Revoke all keys?',
        `The client of ${name} loses its key pair for secure messages and its live activation links. A new key needs a fresh provisioning (a new activation link), a PIN change or a duress code.`,
        'Revoke keys',
      ),
    }),
    button('delete', 'Delete', {
      style: 'danger',
      confirm: confirmDialog(
        'Delete this account?',
        `${name} and its numbers are deleted for good. The audit log keeps what it was.`,
        'Delete',
      ),
    }),
    button('history', 'History'),
  );
  return { type: 'actions', block_id: 'account_actions', elements };
}

/** What replaces a card once its account is deleted. */
export function buildDeletedMessage(account: AccountView, by: string): SlackMessage {
  return {
    text: `Account ${account.username} deleted`,
    blocks: [
      section(
        `:wastebasket: Account *${escapeText(account.username)}* (${account.number}, group ${escapeText(account.group)}) was deleted by <@${by}>.`,
      ),
    ],
  };
}
