import type { FieldChange, History } from '@sipops/shared/use-cases/show-history';
import type { KnownBlock } from '@slack/types';
import {
  escapeText,
  LIMITS,
  pagingBlock,
  plain,
  type SlackMessage,
  section,
  truncate,
} from './blocks.ts';

export const HISTORY_MORE_ACTION = 'history_more';

/** What the More button carries: the subject and where the next page starts. */
export type HistoryCursor = { type: History['subject']['type']; name: string; before: number };

export function encodeHistoryCursor(cursor: HistoryCursor): string {
  return JSON.stringify({ t: cursor.type, n: cursor.name, b: cursor.before });
}

export function decodeHistoryCursor(value: string | undefined): HistoryCursor | undefined {
  try {
    const parsed = JSON.parse(value ?? '') as { t?: unknown; n?: unknown; b?: unknown };
    if (
      (parsed.t === 'account' || parsed.t === 'group' || parsed.t === 'profile') &&
      typeof parsed.n === 'string' &&
      typeof parsed.b === 'number'
    )
      return { type: parsed.t, name: parsed.n, before: parsed.b };
  } catch {
    // Not one of ours.
  }
  return undefined;
}

/** `slack:T1/U1` as a mention; anything else (`terminal:alice`) as written. */
export function describeActor(actor: string): string {
  const slack = /^slack:[^/]+\/([UW][A-Z0-9]+)$/.exec(actor);
  return slack ? `<@${slack[1]}>` : `\`${escapeText(actor)}\``;
}

export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map(String).join(', ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function changeLine(change: FieldChange, isCreated: boolean): string {
  const after = escapeText(formatValue(change.after));
  if (isCreated) return `• ${change.field}: ${after}`;
  return `• ${change.field}: ${escapeText(formatValue(change.before))} → ${after}`;
}

/** One page of a history, newest first, with More when there is an older page. */
export function buildHistoryMessage(history: History): SlackMessage {
  const { type, name } = history.subject;
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`History of ${type} ${name}`, LIMITS.headerText) },
  ];
  if (history.entries.length === 0) blocks.push(section('Nothing recorded yet.'));
  for (const entry of history.entries) {
    const when = `<!date^${Math.floor(new Date(entry.at).getTime() / 1000)}^{date_short_pretty} {time}|${entry.at}>`;
    const lines = [
      `*${escapeText(entry.action)}* by ${describeActor(entry.actor)}, ${when}`,
      ...entry.changes.map((change) => changeLine(change, entry.kind === 'created')),
    ];
    blocks.push(section(truncate(lines.join('\n'), LIMITS.sectionText)));
  }
  if (history.next !== null || history.entries.length > 0) {
    const more =
      history.next === null
        ? []
        : [
            {
              actionId: HISTORY_MORE_ACTION,
              text: 'More',
              value: encodeHistoryCursor({ type, name, before: history.next }),
            },
          ];
    blocks.push(pagingBlock('history_more', more));
  }
  return { text: `History of ${type} ${name}`, blocks };
}
