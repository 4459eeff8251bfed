import type { AccessDecision } from '@sipops/shared/access-rules';
import { accountFieldsOf, type RegisteredField } from '@sipops/shared/account-fields';
import type { AccountView } from '@sipops/shared/account-view';
import { describeSmsLength } from '@sipops/shared/activation/sms-segments';
import type { SmsMeasures } from '@sipops/shared/branding/profile-sms';
import { hostPort } from '@sipops/shared/sip-host';
import type { GroupView } from '@sipops/shared/use-cases/create-group';
import type { AccountPage } from '@sipops/shared/use-cases/list-accounts';
import type { ProfileView } from '@sipops/shared/use-cases/profile-view';

/** The account as `--json` prints it: the contract's keys, JSON types kept, absent values null. */
export function toAccountJson(account: AccountView): Record<string, unknown> {
  const { id: _id, isProfileInherited: _inherited, createdVia, ...fields } = account;
  return { ...fields, createdVia };
}

const onOff = (value: boolean | null) => (value === null ? '-' : value ? 'on' : 'off');
const orDash = (value: string | number | null) =>
  value === null || value === '' ? '-' : String(value);

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '),
    )
    .join('\n');
}

export function formatAccount(account: AccountView): string {
  const rows: [string, string][] = [
    ['username', account.username],
    ['number', account.number],
    ['secondary number', orDash(account.secondaryNumber)],
    ['type', account.type.toUpperCase()],
    ['group', account.group],
    [
      'profile',
      account.profile
        ? `${account.profile}${account.isProfileInherited ? ' (from group)' : ''}`
        : '-',
    ],
    ['enabled', account.enabled ? 'yes' : 'no'],
    ['status', `${account.status} since ${account.statusChangedAt}`],
  ];
  for (const field of accountFieldsOf(account.type))
    rows.push([field.label, formatSetting(field, account[field.name])]);
  return `${table(rows)}\n`;
}

/** A setting on the account card: on/off, rules joined by commas, `-` when there is none. */
function formatSetting(field: RegisteredField, value: unknown): string {
  if (field.kind === 'switch') return onOff(value as boolean | null);
  if (field.kind === 'rules') return (value as string[] | null)?.join(', ') || '-';
  return orDash(value as string | number | null);
}

export function formatAccountPage(page: AccountPage): string {
  if (page.accounts.length === 0) return 'no accounts\n';
  const header = ['USERNAME', 'NUMBER', 'TYPE', 'GROUP', 'ENABLED', 'STATUS'];
  const rows = page.accounts.map((a) => [
    a.username,
    a.number,
    a.type,
    a.group,
    a.enabled ? 'yes' : 'no',
    a.status,
  ]);
  const shown = `${page.offset + 1}-${page.offset + page.accounts.length} of ${page.total}`;
  return `${table([header, ...rows])}\n(${shown})\n`;
}

export function formatGroups(groups: GroupView[]): string {
  if (groups.length === 0) return 'no groups\n';
  return `${table([['NAME', 'PROFILE', 'CHANNEL'], ...groups.map((g) => [g.name, orDash(g.profile), orDash(g.channel)])])}\n`;
}

/** The length of each SMS a saved profile sends, so staff see what a template costs. */
export function formatProfileSms(sms: SmsMeasures): string {
  return Object.entries(sms)
    .flatMap(([kind, byLocale]) =>
      Object.entries(byLocale).map(
        ([locale, length]) =>
          `  ${kind === 'installation' ? 'SMS' : 'reminder SMS'} (${locale}${length.isOwn ? '' : ', built-in'}): ${describeSmsLength(length)}\n`,
      ),
    )
    .join('');
}

export function formatProfiles(profiles: ProfileView[]): string {
  if (profiles.length === 0) return 'no profiles\n';
  const rows = profiles.map((p) => [
    p.name,
    hostPort(p.sipHost, p.sipPort),
    p.transport,
    p.realm,
    p.brand,
    orDash(p.iosUrl),
    orDash(p.androidUrl),
  ]);
  return `${table([['NAME', 'SIP SERVER', 'TRANSPORT', 'REALM', 'BRAND', 'IOS', 'ANDROID'], ...rows])}\n`;
}

export function formatDecision(address: string, decision: AccessDecision): string {
  const verdict = decision.allowed ? 'allowed' : 'denied';
  return `${address}: ${verdict}${decision.rule ? ` by ${decision.rule}` : ' (no rule decides: allowed by default)'}\n`;
}
