import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, type Options, parse } from 'csv-parse';
import { checkUtf8 } from './utf8.ts';

/**
 * Reading a batch file: its bytes as records (arrays of raw cells), each with the line it starts
 * on. What the cells mean is for the row checks (check-row.ts).
 */

/** A record larger than this is a quote left open, not an account: stop before it fills memory. */
const MAX_RECORD_BYTES = 1024 * 1024;

/** A CSV file's bytes: whole, or streamed (a file stream, an HTTP body). */
export type CsvSource =
  | string
  | Uint8Array
  | Iterable<string | Uint8Array>
  | AsyncIterable<string | Uint8Array>;

export type NumberedRecord = { record: string[]; line: number };

const CSV_ERROR_MESSAGES: Partial<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed: a " is missing',
  CSV_INVALID_CLOSING_QUOTE:
    'a quote inside a quoted field must be doubled (""), and the field must end after its closing quote',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'text follows the closing quote of a field',
  INVALID_OPENING_QUOTE: 'a quote inside a field that is not quoted: quote the whole field',
  CSV_MAX_RECORD_SIZE: 'a record is larger than 1 MB: a quote is probably left open',
};

/** CRLF, LF or a lone CR: one line break each, as editors count them. */
function countLineBreaks(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10) count++;
    else if (code === 13 && text.charCodeAt(i + 1) !== 10) count++;
  }
  return count;
}

async function* chunksOf(source: CsvSource): AsyncGenerator<string | Buffer> {
  const toChunk = (part: string | Uint8Array) =>
    typeof part === 'string' ? part : Buffer.from(part.buffer, part.byteOffset, part.byteLength);
  if (typeof source === 'string' || source instanceof Uint8Array) {
    yield toChunk(source);
    return;
  }
  for await (const part of source) yield toChunk(part);
}

/**
 * A CSV file's records, each with the physical line it starts on (the header is line 1). Lines
 * are counted as csv-parse reads each record, from its raw text: its own count is off after a
 * CRLF inside a quoted field, and a record that fails to parse starts where the last one read
 * ended (`nextLine`), whether or not the caller has taken that one yet.
 */
export function readNumberedRecords(source: CsvSource): {
  parser: AsyncIterable<NumberedRecord> & { destroy(): void };
  nextLine: () => number;
} {
  let parsedLines = 1;
  const numberLines = (parsed: { record: string[]; raw: string }): NumberedRecord => {
    const line = parsedLines;
    parsedLines += countLineBreaks(parsed.raw);
    return { record: parsed.record, line };
  };
  const options = {
    bom: true,
    raw: true,
    // Rows of the wrong length are reported with their line like any other error, not thrown.
    relax_column_count: true,
    max_record_size: MAX_RECORD_BYTES,
    on_record: numberLines,
  };
  // csv-parse's types do not model the record shape of its raw mode.
  const parser = parse(options as unknown as Options);
  const feeding = pipeline(Readable.from(checkUtf8(chunksOf(source))), parser);
  // The reader of the records reports parse errors; this only keeps the rejection handled.
  feeding.catch(() => {});
  return {
    parser: parser as unknown as AsyncIterable<NumberedRecord> & { destroy(): void },
    nextLine: () => parsedLines,
  };
}

/**
 * The rows of a file that have errors, as they are in the file with an `error` column added, for
 * the person to fix and import again; the header first. Clear passwords are left out, so that
 * the file can be shared. Undefined when no data row has an error (the header, the encoding).

/** What to tell the person of a record csv-parse could not read. */
export function csvErrorMessage(error: CsvError): string {
  return CSV_ERROR_MESSAGES[error.code] ?? `not valid CSV: ${error.message}`;
}

export { CsvError };
