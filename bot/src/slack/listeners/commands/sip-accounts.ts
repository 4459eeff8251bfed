import type { AccountView } from '@sipops/shared/account-view';
import { canOfferActivationSms } from '@sipops/shared/activation-eligibility';
import type { Access, GroupScope } from '@sipops/shared/authorize';
import { listAccounts, listAccountsSchema } from '@sipops/shared/use-cases/list-accounts';
import { listClients, listClientsSchema } from '@sipops/shared/use-cases/list-clients';
import { showAccount } from '@sipops/shared/use-cases/show-account';
import { showHistory, showHistorySchema } from '@sipops/shared/use-cases/show-history';
import { showRegistrations } from '@sipops/shared/use-cases/show-registrations';
import { parseInput } from '@sipops/shared/validation';
import { oneArgument, parseFilters } from '../../sip-line.ts';
import { CommandUsageError } from '../../slack-errors.ts';
import { type Interaction, reply } from '../../slack-io.ts';
import { buildAccountCard } from '../../views/account-card.ts';
import {
  ACCOUNTS_PER_PAGE,
  type AccountQuery,
  buildAccountPage,
  MAX_QUERY_TEXT,
} from '../../views/account-list.ts';
import { escapeText } from '../../views/blocks.ts';
import { usageOf } from '../../views/help.ts';
import { buildHistoryMessage } from '../../views/history.ts';
import { buildClientList } from '../../views/registrations.ts';

export function cardOf(interaction: Interaction, account: AccountView, note?: string) {
  return buildAccountCard(account, {
    ...(note ? { note } : {}),
    isActivationAvailable: interaction.context.isActivationAvailable,
  });
}

/** The card with who is registered now and the registrar's last confirmation. */
export async function cardWithRegistrations(
  interaction: Interaction,
  account: AccountView,
  note?: string,
) {
  const registrations = await showRegistrations(interaction.context.deps, account);
  return buildAccountCard(account, {
    ...(note ? { note } : {}),
    isActivationAvailable: interaction.context.isActivationAvailable,
    registrations,
  });
}

export async function runShow(
  interaction: Interaction,
  args: string[],
  access: Access,
): Promise<void> {
  const account = await showAccount(
    interaction.context.deps,
    oneArgument('show', args, 'account'),
    access.groupIds,
  );
  await reply(interaction, await cardWithRegistrations(interaction, account));
}

export async function runClients(
  interaction: Interaction,
  args: string[],
  access: Access,
): Promise<void> {
  if (args.length > 1)
    throw new CommandUsageError(`\`${args.join(' ')}\` is not one group`, usageOf('clients'));
  const input = parseInput(listClientsSchema, args[0] === undefined ? {} : { group: args[0] });
  const list = await listClients(interaction.context.deps, input, access.groupIds);
  await reply(interaction, buildClientList(list, input.group));
}

/** One page of accounts for a query: the query is parsed by the use case's own schema. */
export async function replyAccountPage(
  interaction: Interaction,
  query: AccountQuery,
  replace: boolean,
  scope: GroupScope,
): Promise<void> {
  const { offset, ...filters } = query;
  const input = parseInput(listAccountsSchema, { ...filters, offset, limit: ACCOUNTS_PER_PAGE });
  const page = await listAccounts(interaction.context.deps, input, scope);
  await reply(interaction, buildAccountPage(page, query), replace);
}

export async function runList(
  interaction: Interaction,
  args: string[],
  access: Access,
): Promise<void> {
  const { filters, positionals } = parseFilters('list', args);
  if (positionals.length > 0)
    throw new CommandUsageError(`\`${positionals.join(' ')}\` is not understood`, usageOf('list'));
  await replyAccountPage(interaction, { ...filters, offset: 0 }, false, access.groupIds);
}

export async function runFind(
  interaction: Interaction,
  args: string[],
  access: Access,
): Promise<void> {
  const { filters, positionals } = parseFilters('find', args);
  const text = positionals.join(' ').trim();
  if (!text) throw new CommandUsageError('what to look for is missing', usageOf('find'));
  if (text.length > MAX_QUERY_TEXT)
    throw new CommandUsageError(`look for at most ${MAX_QUERY_TEXT} characters`, usageOf('find'));
  await replyAccountPage(interaction, { ...filters, text, offset: 0 }, false, access.groupIds);
}

type Prompted = 'disable' | 'enable' | 'delete' | 'revoke-keys' | 'activate';

/**
 * A risky subcommand shows the account's card and asks for its button: the button's
 * confirmation dialog is where the user confirms, as for every risky action.
 */
export async function runPrompt(
  interaction: Interaction,
  name: Prompted,
  args: string[],
  access: Access,
): Promise<void> {
  const account = await showAccount(
    interaction.context.deps,
    oneArgument(name, args, 'account'),
    access.groupIds,
  );
  await reply(interaction, cardOf(interaction, account, promptFor(interaction, name, account)));
}

function promptFor(interaction: Interaction, name: Prompted, account: AccountView): string {
  const who = `*${escapeText(account.username)}*`;
  switch (name) {
    case 'disable':
      return account.enabled
        ? `Press *Disable* below to disable ${who}.`
        : `${who} is disabled already.`;
    case 'enable':
      return account.enabled
        ? `${who} is enabled already.`
        : `Press *Enable* below to enable ${who}.`;
    case 'delete':
      return `Press *Delete* below to delete ${who}.`;
    case 'revoke-keys':
      return `Press *Revoke keys* below to revoke the keys of ${who}.`;
    case 'activate':
      if (!interaction.context.isActivationAvailable)
        return 'Activation SMS are not available yet in this installation.';
      return canOfferActivationSms(account)
        ? `Press *Send activation SMS* below to send it to ${account.number}.`
        : `${who} cannot get an activation SMS: that needs a PGSM account with an international mobile number and a provisioning profile (its own or its group's).`;
  }
}

/** Entries a Slack page shows: each is a block, and a message holds at most 50. */
export const HISTORY_PER_PAGE = 10;

/** A page of a history (`/sip history`, the card's History, More); `replace` swaps the page shown. */
export async function replyHistory(
  interaction: Interaction,
  subject: { account?: string; group?: string; profile?: string; before?: number },
  access: Access,
  replace = false,
): Promise<void> {
  const input = parseInput(showHistorySchema, { ...subject, limit: HISTORY_PER_PAGE });
  const history = await showHistory(interaction.context.deps, input, access.groupIds);
  await reply(interaction, buildHistoryMessage(history), replace);
}

/** `/sip history <account>`, `--group <g>`, `--profile <p>`. */
export async function runHistory(
  interaction: Interaction,
  args: string[],
  access: Access,
): Promise<void> {
  const [first, second, ...rest] = args;
  if (first === '--group' || first === '--profile') {
    if (second === undefined || rest.length > 0)
      throw new CommandUsageError(`name one ${first.slice(2)}`, usageOf('history'));
    await replyHistory(interaction, { [first.slice(2)]: second }, access);
    return;
  }
  await replyHistory(interaction, { account: oneArgument('history', args, 'account') }, access);
}
