import type { Action, GroupScope } from '@sipops/shared/authorize';
import { isAppError } from '@sipops/shared/errors';
import type { SlackUser } from '@sipops/shared/role-schemas';
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { authorizeUser, type BotContext } from '../../bot-context.ts';
import { type FormState, inputBlockIds, toBlockErrors } from '../../form-input.ts';
import { describeFailure } from '../../slack-errors.ts';
import { postToUser, resultTarget } from '../../slack-io.ts';
import type { ViewMetadata } from '../../view-metadata.ts';
import { buildNoticeModal, type SlackMessage } from '../../views/blocks.ts';

export type SubmissionArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

export type Submission = {
  state: FormState;
  metadata: ViewMetadata;
  who: SlackUser;
  /** The groups the person may see and change (null: every group). */
  scope: GroupScope;
};

/**
 * A modal's submission: the role is checked again, the form parsed and the use case run before
 * the acknowledgement, so that a refused field comes back on its input (`response_action:
 * errors`) and nothing is written. The result is posted where the modal was opened from.
 */
export async function submitForm(
  args: SubmissionArgs,
  context: BotContext,
  form: { action: Action; title: string; run: (submission: Submission) => Promise<SlackMessage> },
): Promise<void> {
  const { ack, body, view, client } = args;
  const who = { userId: body.user.id, teamId: body.user.team_id ?? body.team?.id ?? '' };
  const target = resultTarget(view.private_metadata);
  let message: SlackMessage;
  try {
    const access = await authorizeUser(context, who, form.action);
    message = await form.run({
      state: view.state.values,
      metadata: target.metadata,
      who,
      scope: access.groupIds,
    });
  } catch (error) {
    const blockIds = inputBlockIds(view);
    if (isAppError(error) && error.code !== 'FORBIDDEN') {
      // A field's own block (`smsTemplates.installation.it`), else its parent's (`deny.2` → deny).
      const isOnFields = error.issues.some(
        (issue) =>
          blockIds.includes(issue.field) || blockIds.includes(issue.field.split('.')[0] ?? ''),
      );
      if (isOnFields) {
        await ack({ response_action: 'errors', errors: toBlockErrors(error, blockIds) });
        return;
      }
    }
    const failure = describeFailure(error, context.logger);
    const [firstInput] = blockIds;
    if (!isAppError(error) && firstInput) {
      // Not the user's doing: keep what they typed, so that Submit tries again.
      await ack({ response_action: 'errors', errors: { [firstInput]: failure.text } });
      return;
    }
    await ack({
      response_action: 'update',
      view: buildNoticeModal(form.title, `:x: ${failure.text}`),
    });
    return;
  }
  await ack();
  try {
    await postToUser({ client, who, context }, target.responseUrl, message, target.replace);
  } catch (error) {
    // Done, and the modal is closed: the result is in the audit log even if Slack lost it.
    context.logger.error('sipops slack: could not post the result of a form', error);
  }
}
