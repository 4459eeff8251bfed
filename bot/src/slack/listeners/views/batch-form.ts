import { AppError, isAppError } from '@sipops/shared/errors';
import { type BatchInput, previewBatch } from '../../batch-flow.ts';
import { authorizeUser, type BotContext } from '../../bot-context.ts';
import {
  type FormState,
  inputBlockIds,
  readSwitch,
  readText,
  toBlockErrors,
} from '../../form-input.ts';
import { describeFailure } from '../../slack-errors.ts';
import { userOfPayload } from '../../slack-io.ts';
import { buildNoticeModal } from '../../views/blocks.ts';
import type { SubmissionArgs } from './submit-form.ts';

/** The modal's file or pasted list (exactly one of them), and its SMS checkbox. */
export function readBatchForm(state: FormState): BatchInput {
  const files = state.file?.file?.files ?? [];
  const pasted = readText(state, 'paste');
  const isSmsRequested = readSwitch(state, 'sendSms') === true;
  const [file] = files;
  if (file && pasted !== undefined) {
    const message = 'give a file or a pasted list, not both';
    throw new AppError('VALIDATION', message, {
      issues: [
        { field: 'file', message },
        { field: 'paste', message },
      ],
    });
  }
  if (file) return { fileId: file.id, name: file.name ?? 'the file', isSmsRequested };
  if (pasted !== undefined)
    return { pasted: pasted.endsWith('\n') ? pasted : `${pasted}\n`, isSmsRequested };
  const message = 'choose a CSV file, or paste a list below';
  throw new AppError('VALIDATION', message, { issues: [{ field: 'file', message }] });
}

/**
 * `/sip batch` submitted: the role and the form are checked before the acknowledgement (a refusal
 * stays on its field); then the modal closes and the file is checked, its preview posted.
 */
export async function batchSubmitted(args: SubmissionArgs, context: BotContext): Promise<void> {
  const { ack, body, view, client } = args;
  const who = userOfPayload(body);
  let input: BatchInput;
  try {
    await authorizeUser(context, who, 'account.batch');
    input = readBatchForm(view.state.values);
  } catch (error) {
    if (isAppError(error) && error.code === 'VALIDATION') {
      await ack({ response_action: 'errors', errors: toBlockErrors(error, inputBlockIds(view)) });
      return;
    }
    const failure = describeFailure(error, context.logger);
    await ack({
      response_action: 'update',
      view: buildNoticeModal('Import accounts', `:x: ${failure.text}`),
    });
    return;
  }
  await ack();
  await previewBatch({ client, context, who }, input);
}
