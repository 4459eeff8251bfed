import { isUtf8 } from 'node:buffer';

/** A file's bytes are not UTF-8 (Excel's "CSV" is Windows-1252): `line` holds the first bad byte. */
export class NotUtf8Error extends Error {
  constructor(readonly line: number) {
    super(notUtf8Message(line));
    this.name = 'NotUtf8Error';
  }
}

export function notUtf8Message(line: number): string {
  return `this file is not UTF-8 (line ${line}): save it as CSV UTF-8`;
}

const LF = 10;
const CR = 13;

/** How many bytes a sequence starting with this byte has; 0 for a continuation or invalid byte. */
function sequenceLength(byte: number): number {
  if (byte < 0x80) return 1;
  if (byte >= 0xc2 && byte <= 0xdf) return 2;
  if (byte >= 0xe0 && byte <= 0xef) return 3;
  if (byte >= 0xf0 && byte <= 0xf4) return 4;
  return 0;
}

/** Where the last whole character ends: a sequence cut by the chunk's end waits for the next one. */
function wholeEnd(bytes: Uint8Array): number {
  for (let i = bytes.length - 1; i >= Math.max(0, bytes.length - 4); i--) {
    const byte = bytes[i] ?? 0;
    if ((byte & 0xc0) === 0x80) continue;
    const length = sequenceLength(byte);
    return length > 0 && i + length > bytes.length ? i : bytes.length;
  }
  return bytes.length;
}

/** The offset of the first byte that does not start a valid UTF-8 sequence (the slow path). */
function firstInvalidOffset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i] ?? 0;
    const length = sequenceLength(byte);
    if (length === 0) return i;
    const second = bytes[i + 1] ?? 0;
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8 either.
    if (
      (byte === 0xe0 && second < 0xa0) ||
      (byte === 0xed && second > 0x9f) ||
      (byte === 0xf0 && second < 0x90) ||
      (byte === 0xf4 && second > 0x8f)
    )
      return i;
    for (let k = 1; k < length; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += length;
  }
  return bytes.length;
}

/** Line breaks as editors count them: CRLF, LF or a lone CR, one each. */
class LineCounter {
  lines = 1;
  private isAfterCr = false;

  add(bytes: Uint8Array, end = bytes.length): void {
    for (let i = 0; i < end; i++) {
      const byte = bytes[i];
      if (byte === LF) {
        if (!this.isAfterCr) this.lines++;
        this.isAfterCr = false;
      } else {
        if (byte === CR) this.lines++;
        this.isAfterCr = byte === CR;
      }
    }
  }
}

/**
 * Passes a file's chunks through, refusing them with NotUtf8Error at the first bytes that are not
 * UTF-8. Text chunks are already decoded and pass as they are.
 */
export async function* checkUtf8(
  chunks: AsyncIterable<string | Buffer>,
): AsyncGenerator<string | Buffer> {
  const counter = new LineCounter();
  let carried: Buffer | undefined;
  for await (const chunk of chunks) {
    if (typeof chunk === 'string') {
      yield chunk;
      continue;
    }
    const bytes = carried ? Buffer.concat([carried, chunk]) : chunk;
    const end = wholeEnd(bytes);
    const whole = bytes.subarray(0, end);
    if (!isUtf8(whole)) {
      const offset = firstInvalidOffset(whole);
      counter.add(whole, offset);
      throw new NotUtf8Error(counter.lines);
    }
    counter.add(whole);
    carried = end < bytes.length ? Buffer.from(bytes.subarray(end)) : undefined;
    if (whole.length > 0) yield whole;
  }
  // The file ends in the middle of a character.
  if (carried) throw new NotUtf8Error(counter.lines);
}
