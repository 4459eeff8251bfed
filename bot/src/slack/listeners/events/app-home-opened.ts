import { isAppError } from '@sipops/shared/errors';
import { summarizeAccounts } from '@sipops/shared/use-cases/summarize-accounts';
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { authorizeUser, type BotContext } from '../../bot-context.ts';
import { describeFailure } from '../../slack-errors.ts';
import { buildAppHome, buildAppHomeFailure, buildAppHomeRefused } from '../../views/app-home.ts';

export type AppHomeOpenedArgs = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

/**
 * Publishes the overview each time a user opens the Home tab. Managers and up see their groups (admins every group);
 * anyone else is told which role to ask for. A failure is shown on the Home itself.
 */
export async function appHomeOpened(args: AppHomeOpenedArgs, context: BotContext): Promise<void> {
  const { event, body, client } = args;
  if (event.tab !== 'home') return;
  const who = { userId: event.user, teamId: args.context.teamId ?? body.team_id ?? '' };
  let view: ReturnType<typeof buildAppHome>;
  try {
    const access = await authorizeUser(context, who, 'account.list');
    view = buildAppHome(await summarizeAccounts(context.deps, { scope: access.groupIds }));
  } catch (error) {
    view =
      isAppError(error) && error.code === 'FORBIDDEN'
        ? buildAppHomeRefused(error.message)
        : buildAppHomeFailure(describeFailure(error, context.logger).text);
  }
  try {
    await client.views.publish({ user_id: event.user, view });
  } catch (error) {
    // Nothing else to show it on: the user reopens the tab to try again.
    context.logger.error(`sipops: could not publish the App Home of ${event.user}`, error);
  }
}
