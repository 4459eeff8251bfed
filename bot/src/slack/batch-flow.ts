import type { GroupScope } from '@sipops/shared/authorize';
import { type BatchSummary, checkBatch, formatErrorRows } from '@sipops/shared/batch/check-batch';
import { ProgressMeter } from '@sipops/shared/batch/progress-meter';
import type { SlackUser } from '@sipops/shared/role-schemas';
import { importAccounts } from '@sipops/shared/use-cases/import-accounts';
import { createActivationSmsQueue } from '@sipops/shared/use-cases/send-activation-sms';
import type { WebClient } from '@slack/web-api';
import {
  downloadFile,
  expectDigest,
  hashChunks,
  readFileInfo,
  StatusMessage,
  uploadCsv,
} from './batch-file.ts';
import { actorOf, type BotContext } from './bot-context.ts';
import { describeFailure } from './slack-errors.ts';
import { postToUser } from './slack-io.ts';
import {
  buildBatchErrors,
  buildBatchFailure,
  buildBatchPreview,
  buildBatchProgress,
  buildFileTooLarge,
  buildImportResult,
  type ErrorsFile,
  type ImportButton,
  MAX_SLACK_FILE_BYTES,
} from './views/batch.ts';
import type { SlackMessage } from './views/blocks.ts';

export type BatchIo = { client: WebClient; context: BotContext; who: SlackUser };

/**
 * What the modal was given: a file Slack holds, or pasted text (uploaded first, then the same),
 * and whether the import queues the activation SMS.
 */
export type BatchInput = ({ fileId: string; name: string } | { pasted: string }) & {
  isSmsRequested: boolean;
};

/**
 * The import id of a previewed file: a retried or double-clicked Import imports once. With the
 * SMS it is another import, as deriveImportId has it for the terminal.
 */
export const importIdOf = (button: Pick<ImportButton, 'fileId' | 'sha256' | 'isSmsRequested'>) =>
  `slack:${button.fileId}:${button.sha256}${button.isSmsRequested ? ':sms' : ''}`;

/** Tells the user in the status message, or in a new one when that cannot be edited. */
async function tell(io: BatchIo, status: StatusMessage | undefined, message: SlackMessage) {
  try {
    if (status) {
      await status.show(message);
      return;
    }
  } catch (error) {
    io.context.logger.warn('sipops slack: could not update a batch message', error);
  }
  try {
    await postToUser(io, undefined, message);
  } catch (error) {
    io.context.logger.error('sipops slack: could not tell the user about a batch', error);
  }
}

/**
 * After the modal closed: the file is checked as it downloads, with a progress message in the
 * user's direct messages that becomes the preview (with the Import button) or the errors.
 */
export async function previewBatch(io: BatchIo, input: BatchInput): Promise<void> {
  const name = 'pasted' in input ? 'the pasted list' : input.name;
  let status: StatusMessage | undefined;
  try {
    status = await StatusMessage.post(
      io.client,
      io.context,
      io.who.userId,
      buildBatchProgress(name, undefined),
    );
    const fileId =
      'pasted' in input
        ? await uploadCsv(io.client, { filename: 'pasted.csv', content: input.pasted })
        : input.fileId;
    const file = await readFileInfo(io.client, fileId);
    if (file.size > MAX_SLACK_FILE_BYTES) {
      await tell(io, status, buildFileTooLarge(file.name, file.size));
      return;
    }
    const shown = 'pasted' in input ? name : file.name;
    const source = hashChunks(downloadFile(io.client, file));
    const progress = status;
    const meter = new ProgressMeter({
      isImport: false,
      onReading: (reading) => progress.progress(buildBatchProgress(shown, reading)),
    });
    const summary = await checkBatch(
      io.context.deps,
      { source: source.chunks, isSmsRequested: input.isSmsRequested },
      { onProgress: meter.listener },
    );
    if (summary.errorCount > 0) {
      await showErrors(io, status, { name: shown, fileId: file.id }, summary, false);
      return;
    }
    await tell(
      io,
      status,
      buildBatchPreview(summary, {
        fileId: file.id,
        sha256: source.digest(),
        name: shown,
        isSmsRequested: input.isSmsRequested,
        rows: summary.rows,
      }),
    );
  } catch (error) {
    await tell(io, status, buildBatchFailure(name, describeFailure(error, io.context.logger).text));
  }
}

/**
 * The errors, and the file's rows that have them, with an `error` column, in a CSV shared below
 * the message: fixed, they make the next file to import.
 */
async function showErrors(
  io: BatchIo,
  status: StatusMessage,
  file: { name: string; fileId: string },
  summary: BatchSummary,
  isImport: boolean,
): Promise<void> {
  let errorsFile: ErrorsFile = 'none';
  try {
    const content = await formatErrorRows(
      downloadFile(io.client, await readFileInfo(io.client, file.fileId)),
      summary.errors,
    );
    if (content) {
      await uploadCsv(io.client, {
        filename: `${file.name.replace(/\.csv$/i, '').replace(/[^\w.-]+/g, '-')}-errors.csv`,
        content,
        channel: status.channel,
        title: `Rows of ${file.name} with errors`,
      });
      errorsFile = 'uploaded';
    }
  } catch (error) {
    io.context.logger.warn('sipops slack: could not upload the rows with errors', error);
    errorsFile = 'failed';
  }
  await tell(io, status, buildBatchErrors(file.name, summary, errorsFile, isImport));
}

/**
 * The Import button: the previewed file imported in one transaction, once per import id, its
 * bytes checked against the preview's; the preview message shows the progress, then the result.
 * Queued activation SMS are followed by a message in the same conversation (import-sms-progress).
 */
export async function importBatch(
  io: BatchIo,
  status: StatusMessage,
  button: ImportButton,
  scope: GroupScope = null,
): Promise<void> {
  const { context } = io;
  const importId = importIdOf(button);
  try {
    const meter = new ProgressMeter({
      isImport: true,
      total: button.rows,
      onReading: (reading) => status.progress(buildBatchProgress(button.name, reading)),
    });
    await status.show(buildBatchProgress(button.name, meter.read()));
    // One at a time per import: a double click waits for the first, then finds it done.
    const result = await context.accountQueue.run(`batch:${importId}`, () => {
      async function* source() {
        const file = await readFileInfo(io.client, button.fileId);
        yield* expectDigest(downloadFile(io.client, file), button.sha256);
      }
      const actor = actorOf(io.who);
      return importAccounts(
        context.deps,
        actor,
        {
          source: source(),
          importId,
          isSmsRequested: button.isSmsRequested,
          smsProgressChannel: status.channel,
        },
        {
          onProgress: meter.listener,
          scope,
          // Without it an import asking for SMS is refused (SMS turned off since the preview).
          queueActivationSms: context.isActivationAvailable
            ? createActivationSmsQueue(context.deps, actor)
            : undefined,
        },
      );
    });
    if (result.outcome === 'refused') {
      await showErrors(io, status, button, result.summary, true);
      return;
    }
    await tell(
      io,
      status,
      buildImportResult(
        button.name,
        result.outcome === 'imported' ? { ...result, who: io.who.userId } : result,
      ),
    );
  } catch (error) {
    await tell(
      io,
      status,
      buildBatchFailure(button.name, describeFailure(error, context.logger).text),
    );
  }
}
