import { type BatchError, type CsvHeader, formatCsvLine, parseHeader } from './csv-format.ts';
import { CsvError, type CsvSource, readNumberedRecords } from './read-records.ts';
import { NotUtf8Error } from './utf8.ts';

/**
 * The rows of a file that have errors, as they are in the file with an `error` column added, for
 * the person to fix and import again; the header first. Clear passwords are left out, so that
 * the file can be shared. Undefined when no data row has an error (the header, the encoding).
 */
export async function formatErrorRows(
  source: CsvSource,
  errors: readonly BatchError[],
): Promise<string | undefined> {
  const byLine = new Map<number, string[]>();
  for (const error of errors) {
    if (error.line < 2) continue;
    const messages = byLine.get(error.line) ?? [];
    messages.push(error.column ? `${error.column}: ${error.message}` : error.message);
    byLine.set(error.line, messages);
  }
  if (byLine.size === 0) return undefined;
  const { parser } = readNumberedRecords(source);
  let header: CsvHeader | undefined;
  let text = '';
  try {
    for await (const { record, line } of parser) {
      if (record.length === 1 && record[0] === '') continue;
      if (!header) {
        header = parseHeader(record, line).header;
        if (!header) break;
        text += formatCsvLine([...record, 'error']);
        continue;
      }
      const messages = byLine.get(line);
      if (!messages) continue;
      const password = header.positions.password;
      const cells = record.map((cell, i) => (i === password ? '' : cell));
      text += formatCsvLine([...cells, messages.join('; ')]);
    }
  } catch (error) {
    // The rows up to a record that cannot be read, or bytes that are not UTF-8.
    if (!(error instanceof CsvError) && !(error instanceof NotUtf8Error)) throw error;
  } finally {
    parser.destroy();
  }
  return header && text.includes('\n', text.indexOf('\n') + 1) ? text : undefined;
}
