import type { AccountPage } from '@sipops/shared/use-cases/list-accounts';
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

/** Accounts per page: one block each, well within a message's 50 blocks. */
export const ACCOUNTS_PER_PAGE = 20;

export const PAGE_ACTIONS = {
  previous: 'accounts_page_previous',
  next: 'accounts_page_next',
  /** Followed by `:<row>`: one per row, so every action id of the message is unique. */
  open: 'account_open',
} as const;

/** The filters of a list or find, carried by the page buttons. */
export type AccountQuery = {
  group?: string;
  status?: string;
  enabled?: string;
  text?: string;
  offset: number;
};

export const MAX_QUERY_TEXT = 200;

export function encodeQuery(query: AccountQuery): string {
  return JSON.stringify(query);
}

export function decodeQuery(value: string | undefined): AccountQuery | undefined {
  try {
    const parsed = JSON.parse(value ?? '') as Record<string, unknown>;
    if (typeof parsed.offset !== 'number') return undefined;
    const query: AccountQuery = { offset: parsed.offset };
    for (const key of ['group', 'status', 'enabled', 'text'] as const) {
      const item = parsed[key];
      if (typeof item === 'string') query[key] = item;
    }
    return query;
  } catch {
    return undefined;
  }
}

function describeQuery(query: AccountQuery): string {
  const parts = [
    query.text === undefined ? undefined : `matching “${escapeText(query.text)}”`,
    query.group === undefined ? undefined : `in group ${escapeText(query.group)}`,
    query.status === undefined ? undefined : `with status ${escapeText(query.status)}`,
    query.enabled === undefined ? undefined : `enabled: ${escapeText(query.enabled)}`,
  ].filter(Boolean);
  return parts.length > 0 ? ` ${parts.join(', ')}` : '';
}

/** One page of `list` or `find`: a row per account with an Open button, and Previous / Next. */
export function buildAccountPage(page: AccountPage, query: AccountQuery): SlackMessage {
  const what = `Accounts${describeQuery(query)}`;
  if (page.accounts.length === 0) {
    const text =
      page.total === 0
        ? `No accounts${describeQuery(query)}.`
        : `No accounts on this page (${page.total} in all).`;
    return { text, blocks: [section(text)] };
  }
  const first = page.offset + 1;
  const last = page.offset + page.accounts.length;
  const blocks: KnownBlock[] = [
    section(truncate(`*${what}*: ${first}–${last} of ${page.total}`, LIMITS.sectionText)),
  ];
  page.accounts.forEach((account, row) => {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          `*${escapeText(account.username)}*  ${account.number}  ·  ${account.type.toUpperCase()}  ·  ${escapeText(account.group)}  ·  ${account.enabled ? 'enabled' : 'disabled'}  ·  ${account.status}`,
          LIMITS.sectionText,
        ),
      },
      accessory: {
        type: 'button',
        action_id: `${PAGE_ACTIONS.open}:${row}`,
        text: plain('Open', LIMITS.buttonText),
        value: account.username,
      },
    });
  });
  const buttons = [];
  if (page.offset > 0) {
    buttons.push({
      actionId: PAGE_ACTIONS.previous,
      text: 'Previous',
      value: encodeQuery({ ...query, offset: Math.max(0, page.offset - page.limit) }),
    });
  }
  if (last < page.total) {
    buttons.push({
      actionId: PAGE_ACTIONS.next,
      text: 'Next',
      value: encodeQuery({ ...query, offset: page.offset + page.limit }),
    });
  }
  blocks.push(pagingBlock('accounts_pages', buttons));
  return { text: `${what}: ${first}–${last} of ${page.total}`, blocks };
}
