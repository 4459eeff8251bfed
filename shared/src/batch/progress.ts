/** Rows checked so far, or accounts written so far: an import does both as it reads. */
export type BatchProgress = { phase: 'checking' | 'importing'; rows: number };
export type ProgressListener = (progress: BatchProgress) => void;

const PROGRESS_INTERVAL_MS = 1000;
const PROGRESS_INTERVAL_ROWS = 5000;

/**
 * Calls the listener at the start and end of a phase (forced), and in between once a second or
 * every 5,000 rows, whichever comes first: enough for a progress bar, few enough for Slack.
 */
export function throttleProgress(
  listener: ProgressListener | undefined,
): (progress: BatchProgress, isForced?: boolean) => void {
  if (!listener) return () => {};
  let lastAt = 0;
  let lastRows = 0;
  return (progress, isForced = false) => {
    const now = Date.now();
    if (
      !isForced &&
      now - lastAt < PROGRESS_INTERVAL_MS &&
      progress.rows - lastRows < PROGRESS_INTERVAL_ROWS
    )
      return;
    lastAt = now;
    lastRows = progress.rows;
    listener(progress);
  };
}
