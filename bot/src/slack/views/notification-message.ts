import { ACCOUNT_FIELDS } from '@sipops/shared/account-fields';
import type { AccountView } from '@sipops/shared/account-view';
import type { KnownBlock } from '@slack/web-api';
import { z } from 'zod';

/**
 * What an outbox 'notify' row carries (see shared/src/record-change.ts), read loosely: a row
 * written by an older or newer version still renders, with what it has.
 */
export const notificationPayloadSchema = z.object({
  event: z.string(),
  actor: z.string().default('system'),
  at: z.string(),
  /** The account changed; absent from group-wide events (a batch import). */
  account: z
    .looseObject({
      id: z.string().optional(),
      username: z.string(),
      number: z.string().nullable().optional(),
      group: z.string(),
    })
    .optional(),
  /** The group of a group-wide event. */
  group: z.string().optional(),
  /** How many accounts a batch import brought in (or got an activation SMS). */
  accounts: z.number().optional(),
  /** The batch import of a group-wide event. */
  importId: z.string().optional(),
  /** A group's daily digest (queue-group-digests.ts). */
  digest: z
    .looseObject({
      date: z.string(),
      total: z.number(),
      enabled: z.number(),
      disabled: z.number(),
      byStatus: z.record(z.string(), z.number()),
      stuckTotal: z.number(),
      stuck: z.array(z.object({ username: z.string(), status: z.string(), hours: z.number() })),
      stuckAfterHours: z.number(),
      failedSms: z.number(),
    })
    .optional(),
  before: z.looseObject({}).nullable().optional(),
  isPasswordChanged: z.boolean().optional(),
  /** Delivery failures (`sms.failed`): the provider's error code and text. */
  error: z
    .object({ code: z.union([z.string(), z.number()]).optional(), message: z.string().optional() })
    .optional(),
  /** Where an SMS went, when it is not the account's number. */
  to: z.string().optional(),
});
export type NotificationPayload = z.infer<typeof notificationPayloadSchema>;

/** The group whose channel gets the message: the account's, or the event's own. */
export function groupOfNotification(payload: NotificationPayload): string | undefined {
  return payload.account?.group ?? payload.group;
}

export type NotificationMessage = { text: string; blocks: KnownBlock[] };

type Account = NonNullable<NotificationPayload['account']> & Partial<AccountView>;

const SECTION_MAX = 2900;
const VALUE_MAX = 300;

const STATUS_LABELS: Record<string, string> = {
  created: 'Created',
  installation_sms_sent: 'Installation SMS sent',
  installed: 'Installed',
  activation_sms_sent: 'Activation SMS sent',
  activated: 'Activated',
};

/** The fields an edit may change, in the order staff read them. Passwords never appear. */
const FIELD_LABELS: [keyof AccountView, string][] = [
  ['username', 'Username'],
  ['group', 'Group'],
  ['profile', 'Provisioning profile'],
  ...ACCOUNT_FIELDS.map((field): [keyof AccountView, string] => [field.name, field.form.label]),
  ['enabled', 'Enabled'],
  ['status', 'Last status'],
];

type Rendered = { emoji: string; headline: string; details?: string };

/** One renderer per event; an event not listed here still gets a plain line. */
const RENDERERS: Record<string, (p: NotificationPayload, a: Account) => Rendered> = {
  'account.created': (_p, a) => ({
    emoji: ':new:',
    headline: `${accountLabel(a)} created in group *${escapeMrkdwn(a.group)}*`,
    details: [
      a.type ? `${a.type.toUpperCase()} account` : undefined,
      a.createdVia === 'wizard'
        ? 'automatic activation: disabled until the user activates it'
        : a.enabled === false
          ? 'disabled'
          : a.enabled
            ? 'enabled'
            : undefined,
    ]
      .filter(Boolean)
      .join(', '),
  }),
  'account.edited': (p, a) => ({
    emoji: ':pencil2:',
    headline: `${accountLabel(a)} edited`,
    details: describeChanges(p.before as Partial<AccountView> | null | undefined, a, p),
  }),
  'account.disabled': (_p, a) => ({
    emoji: ':no_entry:',
    headline: `${accountLabel(a)} disabled`,
    details: 'It can neither call nor be called until it is enabled again.',
  }),
  'account.enabled': (_p, a) => ({
    emoji: ':white_check_mark:',
    headline: `${accountLabel(a)} enabled`,
  }),
  'account.deleted': (_p, a) => ({
    emoji: ':wastebasket:',
    headline: `${accountLabel(a)} deleted`,
  }),
  'account.keys_revoked': (_p, a) => ({
    emoji: ':key:',
    headline: `All keys of ${accountLabel(a)} revoked`,
    details:
      'The app needs a new activation link, a PIN change or a duress code to register new keys.',
  }),
  'account.status_changed': (p, a) => {
    const from = (p.before as Partial<AccountView> | null | undefined)?.status;
    const to = a.status;
    return {
      emoji: to === 'activated' ? ':tada:' : ':arrows_counterclockwise:',
      headline: `${accountLabel(a)}: ${from ? `${statusLabel(from)} → ` : ''}*${statusLabel(to)}*`,
    };
  },
  'accounts.imported': (p) => ({
    emoji: ':inbox_tray:',
    headline: `${p.accounts ?? 'New'} account${p.accounts === 1 ? '' : 's'} imported into group *${escapeMrkdwn(p.group ?? 'unknown')}*`,
  }),
  'group.digest': (p) => {
    const d = p.digest;
    if (!d)
      return {
        emoji: ':calendar:',
        headline: `Daily digest of group *${escapeMrkdwn(p.group ?? 'unknown')}*`,
      };
    const statuses = Object.entries(d.byStatus)
      .filter(([, n]) => n > 0)
      .map(([status, n]) => `${statusLabel(status)}: ${n}`);
    const stuck = d.stuck.map(
      (s) => `${escapeMrkdwn(s.username)} (${statusLabel(s.status)}, ${s.hours} h)`,
    );
    return {
      emoji: ':calendar:',
      headline: `Daily digest of group *${escapeMrkdwn(p.group ?? 'unknown')}*, ${d.date}`,
      details: [
        `*${d.total}* account${d.total === 1 ? '' : 's'} (${d.enabled} enabled, ${d.disabled} disabled)${statuses.length > 0 ? `: ${statuses.join(' · ')}` : ''}`,
        `Activations stuck over ${d.stuckAfterHours} h: *${d.stuckTotal}*${stuck.length > 0 ? ` — ${stuck.join(', ')}${d.stuckTotal > stuck.length ? ', …' : ''}` : ''}`,
        `Failed SMS in the last 24 h: *${d.failedSms}*`,
      ].join('\n'),
    };
  },
  'sms.queued_by_import': (p) => ({
    emoji: ':incoming_envelope:',
    headline: `${p.accounts ?? 'Some'} activation SMS queued by ${mentionActor(p.actor)} for import ${escapeMrkdwn(p.importId ?? 'unknown')}`,
  }),
  'sms.failed': (p, a) => ({
    emoji: ':warning:',
    headline: `SMS to ${escapeMrkdwn(p.to ?? a.number ?? 'the account')} for ${accountLabel(a)} was not delivered`,
    details: [
      p.error?.code !== undefined ? `Error ${escapeMrkdwn(String(p.error.code))}` : undefined,
      p.error?.message ? escapeMrkdwn(p.error.message) : undefined,
    ]
      .filter(Boolean)
      .join(': '),
  }),
};

/** The channel message of one account change: a plain `text` for notifications, and blocks. */
export function buildNotificationMessage(payload: NotificationPayload): NotificationMessage {
  const account = (payload.account as Account | undefined) ?? {
    username: 'unknown',
    group: payload.group ?? 'unknown',
  };
  const render =
    RENDERERS[payload.event] ??
    ((p: NotificationPayload, a: Account): Rendered => ({
      emoji: ':information_source:',
      headline: p.account
        ? `${accountLabel(a)}: ${escapeMrkdwn(p.event)}`
        : `${escapeMrkdwn(p.event)} in group *${escapeMrkdwn(a.group)}*`,
    }));
  const { emoji, headline, details } = render(payload, account);
  const context = [
    `Group *${escapeMrkdwn(account.group)}*`,
    payload.account && account.number ? `number ${escapeMrkdwn(account.number)}` : undefined,
    `by ${describeActor(payload.actor)}`,
    formatDate(payload.at),
  ].filter(Boolean);

  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: truncate(`${emoji} ${headline}`) } },
  ];
  if (details) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(details) } });
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: truncate(context.join(' · ')) }],
  });
  return {
    text: stripMarkup(`${headline}${details ? ` — ${details.replace(/^• /, '')}` : ''}`),
    blocks,
  };
}

function describeChanges(
  before: Partial<AccountView> | null | undefined,
  after: Account,
  payload: NotificationPayload,
): string {
  const lines: string[] = [];
  if (before) {
    for (const [field, label] of FIELD_LABELS) {
      const was = before[field];
      const now = after[field];
      if (was === undefined && now === undefined) continue;
      if (sameValue(was, now)) continue;
      lines.push(`• ${label}: ${formatValue(field, was)} → ${formatValue(field, now)}`);
    }
  }
  if (payload.isPasswordChanged) lines.push('• Password: changed');
  return lines.length > 0 ? lines.join('\n') : 'No visible field changed.';
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function formatValue(field: keyof AccountView, value: unknown): string {
  if (value === null || value === undefined) return '_none_';
  if (Array.isArray(value)) return value.length === 0 ? '_none_' : value.map(code).join(', ');
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (field === 'status') return statusLabel(String(value));
  return code(String(value));
}

function code(text: string): string {
  const short = text.length > VALUE_MAX ? `${text.slice(0, VALUE_MAX)}…` : text;
  return `\`${escapeMrkdwn(short.replace(/`/g, "'"))}\``;
}

function accountLabel(account: Account): string {
  return `Account \`${escapeMrkdwn(account.username)}\``;
}

function statusLabel(status: string | undefined): string {
  if (!status) return 'unknown';
  return STATUS_LABELS[status] ?? status;
}

/** Who did it, readable without pinging anyone: `slack:T1/U1`, `terminal:alice`, `system:…`. */
/** A Slack user as a mention (`@x` in the channel); anyone else as describeActor says. */
function mentionActor(actor: string): string {
  const user = /^slack:[^/]+\/([UW][A-Z0-9]+)$/.exec(actor)?.[1];
  return user ? `<@${user}>` : describeActor(actor);
}

function describeActor(actor: string): string {
  const [kind, ...rest] = actor.split(':');
  const who = rest.join(':');
  if (kind === 'slack') return `Slack user ${escapeMrkdwn(who.split('/').pop() ?? who)}`;
  if (kind === 'terminal') return `${escapeMrkdwn(who)} (terminal)`;
  if (kind === 'web' || kind === 'app') return 'the mobile page';
  if (kind === 'system' || kind === 'twilio') return 'sipops';
  return escapeMrkdwn(actor);
}

function formatDate(iso: string): string | undefined {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return undefined;
  const fallback = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} {time}|${fallback}>`;
}

/** Slack's mrkdwn control characters. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string): string {
  return text.length > SECTION_MAX ? `${text.slice(0, SECTION_MAX)}…` : text;
}

/** The notification text (push, screen readers) without mrkdwn marks and emoji codes. */
function stripMarkup(text: string): string {
  const plain = text
    .replace(/_none_/g, 'none')
    .replace(/[*`]/g, '')
    .replace(/\n• /g, '; ')
    .replace(/\n/g, ' ');
  return plain.length > 3000 ? `${plain.slice(0, 3000)}…` : plain;
}
