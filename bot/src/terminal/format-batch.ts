import type { BatchProgress, BatchSummary } from '@sipops/shared/batch/check-batch';
import { describeBatchError } from '@sipops/shared/batch/csv-format';

/** `checking: 25000 rows`, `importing: 20000 rows`, one line each, for stderr. */
export function formatBatchProgress(progress: BatchProgress): string {
  return `${progress.phase}: ${progress.rows} rows\n`;
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
