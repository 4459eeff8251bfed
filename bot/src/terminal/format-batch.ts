import type { BatchSummary } from '@sipops/shared/batch/check-batch';
import { describeBatchError } from '@sipops/shared/batch/csv-format';
import { describeProgress, type ProgressReading } from '@sipops/shared/batch/progress-meter';

const BAR_WIDTH = 24;

/**
 * A reading for stderr: on a terminal a bar redrawn in place (`\r`, then the line cleared after
 * it), ended by a line break once done; otherwise one plain line a reading.
 */
export function formatBatchProgress(reading: ProgressReading, isBar: boolean): string {
  const verb = reading.isImport ? 'import' : 'check';
  const text = describeProgress(reading);
  if (!isBar) return `${verb}: ${text}\n`;
  const filled = Math.round(((reading.percent ?? 0) / 100) * BAR_WIDTH);
  const bar =
    reading.percent === undefined
      ? ''
      : `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] `;
  return `\r${verb} ${bar}${text}\x1b[K${reading.isDone ? '\n' : ''}`;
}

/** The counts of a checked file, as the preview shows them. */
export function formatBatchCounts(summary: BatchSummary): string {
  const lines = [
    `PGSM ${summary.byType.pgsm}, SNOM ${summary.byType.snom}; wizard ${summary.byWay.wizard}, plain ${summary.byWay.plain}`,
  ];
  const width = Math.max(0, ...summary.byGroup.map((g) => g.group.length));
  for (const g of summary.byGroup) lines.push(`  ${g.group.padEnd(width)}  ${g.accounts}`);
  return `${lines.join('\n')}\n`;
}

export function formatDryRun(summary: BatchSummary): string {
  const sms =
    summary.smsToQueue > 0
      ? `${summary.smsToQueue} activation SMS would be queued\n`
      : summary.activationSmsRows > 0
        ? `${summary.activationSmsRows} wizard row(s) could get an activation SMS (--send-sms)\n`
        : '';
  return `${summary.accounts} account(s) would be imported, nothing written (dry run): ${formatBatchCounts(summary)}${sms}`;
}

/** One `error:` line an error, the first ones kept, then how many more there are. */
export function formatBatchErrors(summary: BatchSummary): string {
  const lines = summary.errors.map((error) => `error: ${describeBatchError(error)}`);
  const hidden = summary.errorCount - summary.errors.length;
  if (hidden > 0) lines.push(`error: … and ${hidden} more`);
  lines.push(
    `nothing imported: ${summary.errorCount} error(s) in ${summary.rows} row(s); fix the file and try again`,
  );
  return `${lines.join('\n')}\n`;
}

/** What `import --json` prints for a refused file: every kept error with its line and column. */
export function toBatchErrorsJson(summary: BatchSummary): { errors: BatchSummary['errors'] } {
  return {
    errors: summary.errors.map(({ line, column, value, message }) => ({
      line,
      column,
      value,
      message,
    })),
  };
}

/** What `import --dry-run --json` prints for a file without errors. */
export function toDryRunJson(summary: BatchSummary): Record<string, unknown> {
  const { errors: _errors, errorCount: _count, ...counts } = summary;
  return { dryRun: true, ...counts };
}
