import { parentPort, workerData } from 'node:worker_threads';
import type { NumberedRecord } from '@sipops/shared/batch/read-records';
import { checkRows, type RowWorkContext, writeCheckedRows } from '@sipops/shared/batch/row-checks';

/** A row worker's thread (row-workers.ts): checks each batch of records it is sent, in order. */
const sent = workerData as RowWorkContext;
// A Buffer arrives as a plain Uint8Array.
const work: RowWorkContext = { ...sent, secretKey: Buffer.from(sent.secretKey) };

parentPort?.on('message', (records: NumberedRecord[]) => {
  try {
    parentPort?.postMessage({ rows: writeCheckedRows(checkRows(work, records)) });
  } catch (error) {
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
