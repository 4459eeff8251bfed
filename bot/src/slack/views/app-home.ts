import type { AccountStatus } from '@sipops/shared/account-lifecycle';
import type { AccountsSummary, StatusCounts } from '@sipops/shared/use-cases/summarize-accounts';
import type { HomeView, KnownBlock } from '@slack/types';
import { context, escapeText, LIMITS, plain, section, truncate } from './blocks.ts';

const STATUS_LABELS: Record<AccountStatus, string> = {
  created: 'Created',
  installation_sms_sent: 'Installation SMS sent',
  installed: 'Installed',
  activation_sms_sent: 'Activation SMS sent',
  activated: 'Activated',
};

/** Room kept for the headers, dividers and footers around the lists. */
const FRAME_BLOCKS = 16;
const SECTION_BUDGET = LIMITS.sectionText - 100;
const ERROR_MAX = 200;

export const APP_HOME_CALLBACK_ID = 'sipops_home';

/**
 * The App Home: counts by status per group, stuck activations, failed deliveries and the last
 * changes. Long lists are packed into few sections and cut with a count of what was left out,
 * so the view stays within Slack's 100 blocks whatever the number of groups.
 */
export function buildAppHome(summary: AccountsSummary): HomeView {
  let budget = LIMITS.viewBlocks - FRAME_BLOCKS;
  const take = (lines: string[], more: string | undefined, maxBlocks: number): KnownBlock[] => {
    const blocks = packLines(lines, more, Math.max(1, Math.min(maxBlocks, budget)));
    budget -= blocks.length;
    return blocks;
  };

  const blocks: KnownBlock[] = [
    header('SIP accounts'),
    {
      type: 'section',
      fields: [
        field('Accounts', summary.totals.total),
        field('Enabled', summary.totals.enabled),
        field('Disabled', summary.totals.disabled),
        ...(Object.keys(STATUS_LABELS) as AccountStatus[]).map((status) =>
          field(STATUS_LABELS[status], summary.totals.byStatus[status]),
        ),
      ],
    },
    context(
      `Updated ${formatDate(summary.generatedAt)} · every group is shown · reopen this tab to refresh`,
    ),
    { type: 'divider' },
    header('By group'),
    ...(summary.groups.length === 0
      ? [section('_No groups yet: an admin creates them with `/sip groups`._')]
      : take(summary.groups.map(describeGroup), undefined, 30)),
    { type: 'divider' },
    header(`Stuck activations (over ${summary.stuckAfterHours} h)`),
    ...(summary.stuckTotal === 0
      ? [section(':white_check_mark: No activation is waiting longer than that.')]
      : take(
          summary.stuck.map(
            (s) =>
              `• \`${escapeText(s.username)}\` (${escapeText(s.group)}, ${escapeText(s.number)}) — ${STATUS_LABELS[s.status]} for ${formatHours(s.hours)}`,
          ),
          summary.stuckTotal > summary.stuck.length
            ? `…and ${summary.stuckTotal - summary.stuck.length} more: \`/sip list\` shows them by status.`
            : undefined,
          20,
        )),
  ];
  if (summary.failedDeliveries.length > 0) {
    blocks.push(
      { type: 'divider' },
      header('Failed deliveries'),
      ...take(
        summary.failedDeliveries.map(
          (f) =>
            `• ${formatDate(f.at)} ${escapeText(f.what)}: ${escapeText(truncate(f.error, ERROR_MAX))}`,
        ),
        summary.failedTotal > summary.failedDeliveries.length
          ? `…and ${summary.failedTotal - summary.failedDeliveries.length} older failed deliveries; failed SMS are all in \`npm run sip -- sms list\` and on each account's card.`
          : undefined,
        10,
      ),
    );
  }
  blocks.push(
    { type: 'divider' },
    header('Last changes'),
    ...(summary.recentChanges.length === 0
      ? [section('_Nothing has changed yet._')]
      : take(
          summary.recentChanges.map(
            (c) =>
              `• ${formatDate(c.at)} *${escapeText(c.action)}* ${escapeText(c.subject)} — ${escapeText(describeActor(c.actor))}`,
          ),
          undefined,
          10,
        )),
  );
  return { type: 'home', callback_id: APP_HOME_CALLBACK_ID, blocks };
}

/** The Home of someone without a role: what to ask for, and nothing about accounts. */
export function buildAppHomeRefused(reason: string): HomeView {
  return {
    type: 'home',
    callback_id: APP_HOME_CALLBACK_ID,
    blocks: [
      header('SIP accounts'),
      section(
        `:lock: This overview ${escapeText(reason)}. Ask an admin to grant it with \`/sip role\`.`,
      ),
    ],
  };
}

/** The Home when the summary could not be read: the user can reopen the tab to try again. */
export function buildAppHomeFailure(message: string): HomeView {
  return {
    type: 'home',
    callback_id: APP_HOME_CALLBACK_ID,
    blocks: [
      header('SIP accounts'),
      section(`:warning: ${escapeText(message)}`),
      context('Open another tab and come back to try again.'),
    ],
  };
}

function header(text: string): KnownBlock {
  return { type: 'header', text: plain(text, LIMITS.headerText) };
}

function field(label: string, value: number) {
  return { type: 'mrkdwn' as const, text: `*${label}*\n${value}` };
}

function describeGroup(group: { group: string } & StatusCounts): string {
  const statuses = (Object.keys(STATUS_LABELS) as AccountStatus[])
    .filter((status) => group.byStatus[status] > 0)
    .map((status) => `${STATUS_LABELS[status]} ${group.byStatus[status]}`);
  const head = `*${escapeText(group.group)}* — ${plural(group.total, 'account')}`;
  if (group.total === 0) return head;
  return `${head} (${group.enabled} enabled, ${group.disabled} disabled)\n      ${statuses.join(' · ')}`;
}

/** Lines into as few sections as fit, at most `maxBlocks`; what does not fit is counted. */
function packLines(lines: string[], more: string | undefined, maxBlocks: number): KnownBlock[] {
  const texts: string[] = [];
  let current = '';
  let shown = 0;
  for (const line of lines) {
    const candidate = current ? `${current}\n${line}` : line;
    if (candidate.length <= SECTION_BUDGET) {
      current = candidate;
      shown++;
      continue;
    }
    if (texts.length + 1 >= maxBlocks) break;
    texts.push(current);
    current = truncate(line, SECTION_BUDGET);
    shown++;
  }
  const left = lines.length - shown;
  const tail = [left > 0 ? `…and ${left} more.` : undefined, more].filter(Boolean).join(' ');
  if (tail) current = current ? `${current}\n${tail}` : tail;
  if (current) texts.push(current);
  return texts.map((text) => section(text));
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function formatHours(hours: number): string {
  return hours >= 72 ? `${Math.floor(hours / 24)} days` : `${hours} h`;
}

function formatDate(iso: string): string {
  const date = new Date(iso);
  const fallback = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} {time}|${fallback}>`;
}

function describeActor(actor: string): string {
  const [kind, ...rest] = actor.split(':');
  const who = rest.join(':');
  if (kind === 'slack') return `Slack user ${who.split('/').pop() ?? who}`;
  if (kind === 'terminal') return `${who} (terminal)`;
  return actor;
}
