import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { NumberedRecord } from '@sipops/shared/batch/read-records';
import {
  type CheckedRow,
  type RowWorkContext,
  type RowWorkers,
  readCheckedRows,
  type StartRowWorkers,
} from '@sipops/shared/batch/row-checks';

/**
 * Row workers on threads: each checks the batches of records it is sent, in order
 * (row-worker.ts). One core is left to this thread, which reads the file, checks across rows and
 * writes; the others check rows, at most MAX_THREADS of them (each holds its own heap).
 */
const MAX_THREADS = 3;
/** A worker's garbage dies young: a young generation of this size keeps its memory small. */
const YOUNG_GENERATION_MB = 16;
/** The compiled worker beside this module's chunk; running from TypeScript sources, none. */
const WORKER_FILE = new URL('./row-worker.js', import.meta.url);

/**
 * Row workers where the compiled worker exists; undefined: rows are checked on this thread.
 * Tests name the worker file and the number of threads.
 */
export function rowWorkersOfBuild(
  options: { file?: URL; threads?: number } = {},
): StartRowWorkers | undefined {
  const file = options.file ?? WORKER_FILE;
  const threads = options.threads ?? Math.max(1, Math.min(MAX_THREADS, availableParallelism() - 1));
  return existsSync(fileURLToPath(file))
    ? (work) => startRowWorkers(work, file, threads)
    : undefined;
}

type Waiting = { resolve(rows: CheckedRow[]): void; reject(error: Error): void };

function startRowWorkers(work: RowWorkContext, file: URL, threads: number): RowWorkers {
  const pool = Array.from({ length: threads }, () => {
    const worker = new Worker(file, {
      workerData: work,
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    const waiting: Waiting[] = [];
    const failAll = (error: Error) => {
      for (const one of waiting.splice(0)) one.reject(error);
    };
    worker.on('message', (message: { rows: string } | { error: string }) => {
      const next = waiting.shift();
      if (!next) return;
      if ('error' in message) next.reject(new Error(`a row worker failed: ${message.error}`));
      else next.resolve(readCheckedRows(message.rows, work));
    });
    worker.on('error', (error) => failAll(error));
    worker.on('exit', (code) => failAll(new Error(`a row worker stopped (exit code ${code})`)));
    return { worker, waiting };
  });
  let turn = 0;
  return {
    check(records: readonly NumberedRecord[]) {
      const next = pool[turn++ % pool.length];
      if (!next) throw new Error('no row worker');
      return new Promise<CheckedRow[]>((resolve, reject) => {
        next.waiting.push({ resolve, reject });
        next.worker.postMessage(records);
      });
    },
    async close() {
      await Promise.all(pool.map(({ worker }) => worker.terminate()));
    },
  };
}
