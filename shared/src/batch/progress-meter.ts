import type { BatchProgress, CsvSource } from './check-batch.ts';

/** How far a check or an import is: what every front end shows, with the same numbers. */
export type ProgressReading = {
  isImport: boolean;
  checked: number;
  /** Accounts written so far; 0 in a check. */
  written: number;
  /** Data rows of the file, when known. */
  total: number | undefined;
  /** 0–100, when the total is known; an import counts checking and writing half each. */
  percent: number | undefined;
  /** An estimate from the pace so far, once there is one. */
  secondsLeft: number | undefined;
  isDone: boolean;
};

const READING_INTERVAL_MS = 1000;
/** No estimate of the time left before this much of the work: the first seconds say little. */
const MIN_FRACTION_FOR_ESTIMATE = 0.02;

/**
 * Joins the checker's and the writer's progress into one reading, at most once a second and
 * never twice the same, and the last one (done) exactly once.
 */
export class ProgressMeter {
  private checked = 0;
  private written = 0;
  private readonly startedAt: number;
  private lastAt = Number.NEGATIVE_INFINITY;
  private lastKey = '';
  private isFinished = false;

  constructor(
    private readonly options: {
      isImport: boolean;
      total?: number | undefined;
      onReading: (reading: ProgressReading) => void;
      now?: () => number;
    },
  ) {
    this.startedAt = this.now();
  }

  /** The listener to give checkBatch or importAccounts. */
  readonly listener = (progress: BatchProgress): void => {
    if (progress.phase === 'checking') this.checked = Math.max(this.checked, progress.rows);
    else this.written = Math.max(this.written, progress.rows);
    this.emit(false);
  };

  /** The last reading, once, whatever came before. */
  finish(): void {
    if (this.isFinished) return;
    this.emit(true);
    this.isFinished = true;
  }

  read(isDone = false): ProgressReading {
    const { isImport, total } = this.options;
    const done = isImport ? (this.checked + this.written) / 2 : this.checked;
    const fraction = total ? Math.min(1, done / total) : undefined;
    const elapsed = (this.now() - this.startedAt) / 1000;
    return {
      isImport,
      checked: this.checked,
      written: this.written,
      total,
      percent:
        isDone && total !== undefined
          ? 100
          : fraction === undefined
            ? undefined
            : Math.floor(fraction * 100),
      secondsLeft: isDone
        ? 0
        : fraction !== undefined && fraction >= MIN_FRACTION_FOR_ESTIMATE && fraction < 1
          ? (elapsed / fraction) * (1 - fraction)
          : undefined,
      isDone,
    };
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private emit(isDone: boolean): void {
    if (this.isFinished) return;
    const now = this.now();
    const key = `${this.checked}/${this.written}`;
    if (!isDone && (key === this.lastKey || now - this.lastAt < READING_INTERVAL_MS)) return;
    this.lastAt = now;
    this.lastKey = key;
    this.options.onReading(this.read(isDone));
  }
}

/**
 * The data rows of a CSV file (its records less the header and blank lines), for a progress
 * total: one quick pass over the bytes, quotes followed so that line breaks inside a field do
 * not count.
 */
export async function countCsvRows(source: CsvSource): Promise<number> {
  let records = 0;
  let isQuoted = false;
  let hasContent = false;
  const take = (text: string | Uint8Array) => {
    for (let i = 0; i < text.length; i++) {
      const code = typeof text === 'string' ? text.charCodeAt(i) : (text[i] ?? 0);
      if (code === 34) {
        isQuoted = !isQuoted;
        hasContent = true;
      } else if ((code === 10 || code === 13) && !isQuoted) {
        if (hasContent) records++;
        hasContent = false;
      } else if (code !== 0xfeff) {
        hasContent = true;
      }
    }
  };
  if (typeof source === 'string' || source instanceof Uint8Array) take(source);
  else for await (const chunk of source) take(chunk);
  if (hasContent) records++;
  return Math.max(0, records - 1);
}

/** About how long `seconds` is, in the unit a reader wants. */
export function describeDuration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.ceil(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * `42,000 of 100,000 rows checked, 40,000 written (41%), about 12 s left`: the reading in words,
 * the same in the terminal and in Slack.
 */
export function describeProgress(reading: ProgressReading): string {
  const of = reading.total === undefined ? '' : ` of ${count(reading.total)}`;
  const parts = [`${count(reading.checked)}${of} rows checked`];
  if (reading.isImport) parts.push(`${count(reading.written)} written`);
  const percent = reading.percent === undefined ? '' : ` (${reading.percent}%)`;
  const left =
    reading.secondsLeft === undefined || reading.isDone
      ? ''
      : `, about ${describeDuration(reading.secondsLeft)} left`;
  return `${parts.join(', ')}${percent}${left}`;
}
