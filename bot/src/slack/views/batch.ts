import type { BatchSummary } from '@sipops/shared/batch/check-batch';
import { type BatchError, describeBatchError } from '@sipops/shared/batch/csv-format';
import {
  describeDuration,
  describeProgress,
  type ProgressReading,
} from '@sipops/shared/batch/progress-meter';
import type { ImportSmsProgress } from '@sipops/shared/use-cases/list-import-sms-progress';
import type { KnownBlock, ModalView } from '@slack/types';
import {
  confirmDialog,
  context,
  escapeText,
  LIMITS,
  linesToSections,
  modal,
  plain,
  type SlackMessage,
  section,
  slackDate,
  truncate,
} from './blocks.ts';
import { input, switchInput, textInput } from './form-elements.ts';

export const BATCH_FORM = 'batch_form';
export const BATCH_ACTIONS = { import: 'batch_import' } as const;
/** Slack refuses uploads above this anyway; larger files are for the terminal. */
export const MAX_SLACK_FILE_BYTES = 10 * 1024 * 1024;
/** A paste box holds at most this (Slack's limit on a plain-text input). */
export const MAX_PASTE_CHARS = 3000;
const ERRORS_SHOWN = 15;
const GROUPS_SHOWN = 20;

const TERMINAL_IMPORT = 'npm run sip -- import <file.csv> --progress';

/** `/sip batch`: a CSV file, or a few lines pasted; the activation SMS where they can be sent. */
export function buildBatchModal(
  privateMetadata: string,
  options: { isSmsOffered: boolean } = { isSmsOffered: true },
): ModalView {
  return modal(
    'Import accounts',
    [
      section(
        'One account a row, the header naming the columns (`way`, `group`, `number` are required; see the README). Every row is checked and previewed before anything is written.',
      ),
      input(
        'file',
        'CSV file',
        { type: 'file_input', action_id: 'file', filetypes: ['csv'], max_files: 1 },
        { optional: true, hint: `Up to 10 MB; larger files: \`${TERMINAL_IMPORT}\`.` },
      ),
      input(
        'paste',
        'Or paste a short list',
        textInput('paste', {
          multiline: true,
          maxLength: MAX_PASTE_CHARS,
          placeholder: 'way,group,number\nwizard,acme,+393331234567',
        }),
        { optional: true, hint: 'The header row first. Give a file or a list, not both.' },
      ),
      ...(options.isSmsOffered
        ? [
            input(
              'sendSms',
              'Activation SMS',
              switchInput('sendSms', 'Send the activation SMS to the wizard rows', false),
              {
                optional: true,
                hint: 'Queued with the import, then sent at the SMS rate; a message in your DMs follows them. Off: send them later from the account cards.',
              },
            ),
          ]
        : []),
    ],
    { callbackId: BATCH_FORM, submit: 'Check', privateMetadata },
  );
}

const rows = (n: number) => `${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`;
const accounts = (n: number) => `${n.toLocaleString('en-US')} account${n === 1 ? '' : 's'}`;

/** `Importing accounts.csv… 2,500 of 10,000 rows checked, 2,000 written (22%), about 10 s left`. */
export function buildBatchProgress(
  name: string,
  reading: ProgressReading | undefined,
): SlackMessage {
  const verb = reading?.isImport ? 'Importing' : 'Checking';
  const text = `:hourglass_flowing_sand: ${verb} ${escapeText(name)}…${reading ? ` ${describeProgress(reading)}` : ''}`;
  return { text, blocks: [section(text)] };
}

/** The figures the preview and the result both give, in the same words. */
function figuresLine(
  summary: BatchSummary,
  figures: { accounts: number; isImported: boolean; sms: number },
): string {
  const n = (count: number) => count.toLocaleString('en-US');
  return [
    `*Rows checked:* ${n(summary.rows)}`,
    `*${figures.isImported ? 'imported' : 'to import'}:* ${n(figures.accounts)}`,
    `*errors:* ${n(summary.errorCount)}`,
    `*${figures.isImported ? 'SMS queued' : 'SMS to queue'}:* ${n(figures.sms)}`,
  ].join(' · ');
}

export function buildFileTooLarge(name: string, bytes: number): SlackMessage {
  const megabytes = (bytes / 1024 / 1024).toFixed(1);
  const text = `:warning: ${escapeText(name)} is ${megabytes} MB: Slack takes files up to 10 MB. Import it from a terminal instead: \`${TERMINAL_IMPORT}\` (the same checks, all or nothing).`;
  return { text, blocks: [section(text)] };
}

const sms = (n: number) => `${n.toLocaleString('en-US')} activation SMS`;
const wizardRows = (n: number) => `${n.toLocaleString('en-US')} wizard row${n === 1 ? '' : 's'}`;

/** The activation SMS of a batch: asked for in the preview, or queued by the import. */
type SmsOfBatch = { isSmsRequested: boolean } | { smsQueued: number };

function smsLine(summary: BatchSummary, of: SmsOfBatch): string {
  if ('smsQueued' in of && of.smsQueued > 0)
    return `*Activation SMS queued:* ${of.smsQueued.toLocaleString('en-US')}; a message below follows them as they go out.`;
  if ('isSmsRequested' in of && of.isSmsRequested)
    return summary.smsToQueue > 0
      ? `*Activation SMS:* ${sms(summary.smsToQueue)} will be queued by the import, one a wizard row, and sent at the SMS rate.`
      : '*Activation SMS:* none to queue (no wizard row waits for activation).';
  return summary.activationSmsRows > 0
    ? `*Activation SMS:* none queued by this import; ${wizardRows(summary.activationSmsRows)} can get one: tick "Send the activation SMS" in \`/sip batch\`, or send them from the account cards.`
    : '*Activation SMS:* none';
}

function countLines(summary: BatchSummary, smsText: string): string[] {
  const lines = [
    `*PGSM* ${summary.byType.pgsm} · *SNOM* ${summary.byType.snom} · *wizard* ${summary.byWay.wizard} · *plain* ${summary.byWay.plain}`,
  ];
  const groups = summary.byGroup.slice(0, GROUPS_SHOWN);
  if (groups.length > 0) {
    const more = summary.byGroup.length - groups.length;
    lines.push(
      `*Per group:* ${groups.map((g) => `${escapeText(g.group)} ${g.accounts}`).join(', ')}${more > 0 ? `, and ${more} more groups` : ''}`,
    );
  }
  lines.push(smsText);
  return lines;
}

function sampleText(summary: BatchSummary): string {
  const lines = summary.sample.map((row) =>
    [
      `${row.line}`,
      row.way,
      row.type,
      row.group,
      row.username ?? '(generated)',
      row.number,
      row.secondaryNumber ?? '',
      row.profile ?? '',
      row.enabled ? 'enabled' : 'disabled',
    ]
      .join(' · ')
      .trim(),
  );
  // Inside a code block nothing is markup; only its fence must not appear.
  const body = truncate(lines.join('\n').replace(/```/g, "'''"), LIMITS.sectionText - 40);
  return `*First rows:*\n\`\`\`${body}\`\`\``;
}

export type ImportButton = {
  fileId: string;
  sha256: string;
  name: string;
  /** The modal's SMS checkbox: the import queues the wizard rows' activation SMS. */
  isSmsRequested: boolean;
  /** The preview's count of data rows: the total of the import's progress. */
  rows?: number;
};

/** The checked file without errors: its counts, a sample and the Import button. */
export function buildBatchPreview(summary: BatchSummary, button: ImportButton): SlackMessage {
  const name = escapeText(button.name);
  const text = `${name}: ${accounts(summary.accounts)} ready to import.`;
  const blocks: KnownBlock[] = [
    section(`:white_check_mark: *${text}*`),
    section(
      [
        figuresLine(summary, {
          accounts: summary.accounts,
          isImported: false,
          sms: summary.smsToQueue,
        }),
        ...countLines(summary, smsLine(summary, button)),
      ].join('\n'),
    ),
  ];
  if (summary.sample.length > 0) blocks.push(section(sampleText(summary)));
  if (summary.accounts > 0)
    blocks.push({
      type: 'actions',
      block_id: 'batch',
      elements: [
        {
          type: 'button',
          action_id: BATCH_ACTIONS.import,
          text: plain(`Import ${accounts(summary.accounts)}`, LIMITS.buttonText),
          style: 'primary',
          value: JSON.stringify({ ...button, name: truncate(button.name, 200) }),
          confirm: confirmDialog(
            'Import accounts?',
            `Create ${accounts(summary.accounts)} from ${truncate(name, 100)}, all or nothing${button.isSmsRequested && summary.smsToQueue > 0 ? `, and queue ${sms(summary.smsToQueue)}` : ''}.`,
            'Import',
            'primary',
          ),
        },
      ],
    });
  else blocks.push(context('The file holds no account: nothing to import.'));
  return { text, blocks };
}

export type ErrorsFile = 'uploaded' | 'failed' | 'none';

/** The checked file with errors: the first ones, how many in all, where to read the rest. */
export function buildBatchErrors(
  name: string,
  summary: BatchSummary,
  errorsFile: ErrorsFile,
  isImport = false,
): SlackMessage {
  const where = escapeText(name);
  const text = `${where}: ${summary.errorCount.toLocaleString('en-US')} error${summary.errorCount === 1 ? '' : 's'} in ${rows(summary.rows)}; nothing imported.`;
  const lines = summary.errors
    .slice(0, ERRORS_SHOWN)
    .map((error: BatchError) => `• ${escapeText(describeBatchError(error))}`);
  const hidden = summary.errorCount - Math.min(summary.errors.length, ERRORS_SHOWN);
  const rest =
    errorsFile === 'uploaded'
      ? `The rows with errors are in the CSV below, each with an \`error\` column (clear passwords left out)${summary.errors.length < summary.errorCount ? `: those of the first ${summary.errors.length} errors; a terminal lists them all: \`npm run sip -- import <file.csv> --dry-run\`` : ''}. Fix them, drop the \`error\` column and import them again.`
      : hidden > 0
        ? 'For the full list run `npm run sip -- import <file.csv> --dry-run` in a terminal.'
        : undefined;
  const blocks: KnownBlock[] = [
    section(
      `:x: *${text}*${isImport ? ' The file changed since its preview, or the database did.' : ''}`,
    ),
    ...linesToSections(lines, 5, (left) => `… and ${left} more`),
  ];
  if (rest) blocks.push(context(rest));
  blocks.push(context('Fix the file and run `/sip batch` again.'));
  return { text, blocks };
}

export function buildImportResult(
  name: string,
  result:
    | {
        outcome: 'imported';
        imported: number;
        smsQueued: number;
        summary: BatchSummary;
        who: string;
      }
    | { outcome: 'repeated'; imported: number; importedAt: Date; actor: string },
): SlackMessage {
  const where = escapeText(name);
  if (result.outcome === 'repeated') {
    const text = `${where} was already imported (${accounts(result.imported)}, ${result.importedAt.toISOString()} by ${escapeText(result.actor)}): nothing done this time.`;
    return { text, blocks: [section(`:information_source: ${text}`)] };
  }
  const text = `Imported ${accounts(result.imported)} from ${where}.`;
  return {
    text,
    blocks: [
      section(`:white_check_mark: *${text}* By <@${result.who}>.`),
      section(
        [
          figuresLine(result.summary, {
            accounts: result.imported,
            isImported: true,
            sms: result.smsQueued,
          }),
          ...countLines(result.summary, smsLine(result.summary, result)),
        ].join('\n'),
      ),
      context('`/sip list` or `/sip find` shows them.'),
    ],
  };
}

export function buildBatchFailure(name: string, failure: string): SlackMessage {
  const text = `${escapeText(name)}: ${failure}`;
  return { text, blocks: [section(`:x: ${text}`)] };
}

/** `slack:T1/U1` as a mention, `terminal:alice` as `alice (terminal)`. */
function describeImporter(actor: string): string {
  const user = /^slack:[^/]+\/([A-Z0-9]+)$/.exec(actor)?.[1];
  if (user) return `<@${user}>`;
  const terminal = /^terminal:(.+)$/.exec(actor)?.[1];
  return escapeText(terminal ? `${terminal} (terminal)` : actor);
}

/**
 * The one message that follows the activation SMS of a batch import as the outbox sends them,
 * updated in place until none is waiting. `perSecond` is SIPOPS_SMS_PER_SECOND, for the time left.
 */
export function buildImportSmsProgress(
  progress: ImportSmsProgress,
  perSecond: number,
): SlackMessage {
  const n = (count: number) => count.toLocaleString('en-US');
  const subject = `Activation SMS of ${n(progress.smsQueued)} imported account${progress.smsQueued === 1 ? '' : 's'}`;
  const parts = [`${n(progress.sent)} of ${n(progress.smsQueued)} sent`];
  if (progress.failed > 0) parts.push(`${n(progress.failed)} failed`);
  if (progress.skipped > 0)
    parts.push(`${n(progress.skipped)} not sent (link replaced or expired first)`);
  if (progress.waiting > 0)
    parts.push(
      `${n(progress.waiting)} waiting (about ${describeDuration(progress.waiting / perSecond)} at ${perSecond}/s)`,
    );
  const isAllSent = progress.isDone && progress.sent === progress.smsQueued;
  const text = isAllSent
    ? `${subject}: all ${n(progress.sent)} sent.`
    : `${subject}: ${parts.join(' · ')}${progress.isDone ? '; none waiting.' : ''}`;
  const icon = !progress.isDone
    ? ':hourglass_flowing_sand:'
    : isAllSent
      ? ':white_check_mark:'
      : ':warning:';
  const notes = [
    `Imported ${slackDate(progress.createdAt.toISOString())} by ${describeImporter(progress.actor)}. Sent: handed to the SMS provider; delivery shows on each account's card.`,
  ];
  if (progress.isDone && progress.failed > 0)
    notes.push('The App Home lists the failed SMS; send them again from the account cards.');
  return { text, blocks: [section(`${icon} ${text}`), context(...notes)] };
}
