import type { Client, ClientList } from '@sipops/shared/use-cases/list-clients';
import type { AccountRegistrations } from '@sipops/shared/use-cases/show-registrations';
import type { KnownBlock } from '@slack/types';
import {
  context,
  escapeText,
  LIMITS,
  linesToSections,
  type SlackMessage,
  section,
  slackDate,
  truncate,
} from './blocks.ts';

/** Contacts shown on one card; a phone rarely has more than a couple. */
const CARD_CONTACTS = 5;
/** Sections of the `/sip clients` answer (each packs many lines). */
const LIST_SECTIONS = 40;

const until = (expires: string | null) => (expires ? `until ${slackDate(expires)}` : 'permanent');

function contactLine(contact: string, userAgent: string, expires: string | null): string {
  return `\`${escapeText(truncate(contact, 200))}\` · ${escapeText(truncate(userAgent || 'no user agent', 120))} · ${until(expires)}`;
}

/** The card's part on the registrar: who is registered now, and the last removal it confirmed. */
export function registrationBlocks(registrations: AccountRegistrations): KnownBlock[] {
  const { reading, removal } = registrations;
  const blocks: KnownBlock[] = [];
  if (reading.state !== 'connected') {
    blocks.push(context(`:electric_plug: ${escapeText(reading.reason)}`));
  } else if (reading.registrations.length === 0) {
    blocks.push(section('*Registered now*\nno phone'));
  } else {
    const lines = reading.registrations
      .slice(0, CARD_CONTACTS)
      .map((r) => contactLine(r.contact, r.userAgent, r.expires));
    const more = reading.registrations.length - lines.length;
    blocks.push(
      section(
        truncate(
          `*Registered now*\n${lines.join('\n')}${more > 0 ? `\n…and ${more} more` : ''}`,
          LIMITS.sectionText,
        ),
      ),
    );
  }
  if (removal) blocks.push(context(describeRemoval(removal)));
  return blocks;
}

function describeRemoval(removal: NonNullable<AccountRegistrations['removal']>): string {
  switch (removal.state) {
    case 'done':
      return `:white_check_mark: The registrar confirmed the removal of live registrations ${slackDate(removal.doneAt ?? removal.requestedAt)} (asked ${slackDate(removal.requestedAt)}).`;
    case 'pending':
      return `:hourglass_flowing_sand: Removal of live registrations asked ${slackDate(removal.requestedAt)}; waiting for the registrar${removal.lastError ? ` (try ${removal.attempts}: ${escapeText(truncate(removal.lastError, 200))})` : ''}.`;
    case 'skipped':
      return ':warning: Live registrations were not removed: SIPOPS_KAMAILIO_RPC_URL is not set.';
    case 'failed':
      return `:x: The removal of live registrations failed: ${escapeText(truncate(removal.lastError ?? 'unknown error', 200))}`;
  }
}

function clientLine(client: Client): string {
  const as =
    client.registeredAs === client.username ? '' : ` as ${escapeText(client.registeredAs)}`;
  return `*${escapeText(client.username)}* (${escapeText(client.number)}${as}) · ${contactLine(client.contact, client.userAgent, client.expires)}`;
}

/** `/sip clients [group]`: who is registered now. */
export function buildClientList(list: ClientList, group: string | undefined): SlackMessage {
  const where = group ? ` in group ${escapeText(group)}` : '';
  if (list.state !== 'connected') {
    return {
      text: list.reason,
      blocks: [section(`:electric_plug: ${escapeText(list.reason)}`)],
    };
  }
  if (list.clients.length === 0) {
    return {
      text: `Nobody is registered${where}.`,
      blocks: [section(`Nobody is registered${where}.`)],
    };
  }
  const accounts = new Set(list.clients.map((c) => c.username)).size;
  const headline = `*${list.clients.length}* phone(s) of *${accounts}* account(s) registered now${where}`;
  const blocks: KnownBlock[] = [
    section(headline),
    ...linesToSections(list.clients.map(clientLine), LIST_SECTIONS, (left) => `…and ${left} more`),
  ];
  return {
    text: `${list.clients.length} phone(s) of ${accounts} account(s) registered now${group ? ` in group ${group}` : ''}`,
    blocks,
  };
}
