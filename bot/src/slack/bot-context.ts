import type { Access, Action } from '@sipops/shared/authorize';
import { authorize } from '@sipops/shared/authorize';
import type { ActivationDeps, Actor } from '@sipops/shared/deps';
import type { SlackUser } from '@sipops/shared/role-schemas';
import type { Logger } from '@slack/bolt';
import { KeyedQueue } from './keyed-queue.ts';

/** What every listener is given: the use cases' deps and the bot's own settings. */
export type BotContext = {
  deps: ActivationDeps;
  /** SIPOPS_ADMINS: admins of every team. */
  configuredAdmins: readonly string[];
  logger: Logger;
  /** Whether cards offer the activation SMS (the SMS sender is set up). */
  isActivationAvailable: boolean;
  /** Button actions on one account run one after the other (a double click acts once). */
  accountQueue: KeyedQueue;
};

export function createBotContext(options: {
  deps: ActivationDeps;
  configuredAdmins: readonly string[];
  logger: Logger;
  isActivationAvailable?: boolean;
}): BotContext {
  return {
    deps: options.deps,
    configuredAdmins: options.configuredAdmins,
    logger: options.logger,
    isActivationAvailable: options.isActivationAvailable ?? true,
    accountQueue: new KeyedQueue(),
  };
}

/** The audit log's name for a Slack user. */
export const actorOf = (who: SlackUser): Actor => `slack:${who.teamId}/${who.userId}`;

/** The user's role and groups, when the role allows the action. */
export function authorizeUser(
  context: BotContext,
  who: SlackUser,
  action: Action,
): Promise<Access> {
  return authorize(
    { db: context.deps.db, configuredAdmins: context.configuredAdmins },
    who,
    action,
  );
}
