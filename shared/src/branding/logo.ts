import { createHash } from 'node:crypto';
import { AppError } from '../errors.ts';

/** A logo is shown a few centimetres wide: 100 KB is plenty, and keeps the database lean. */
export const MAX_LOGO_BYTES = 100 * 1024;

export type Logo = { contentType: 'image/png' | 'image/svg+xml'; data: Buffer; sha256: string };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Checks a logo file by its bytes, not its name: a PNG, or an SVG with no script in it. */
export function readLogo(data: Buffer, field = 'logo'): Logo {
  if (data.length === 0) throw new AppError('VALIDATION', 'the file is empty', { field });
  if (data.length > MAX_LOGO_BYTES)
    throw new AppError(
      'VALIDATION',
      `must be at most ${MAX_LOGO_BYTES / 1024} KB (this file is ${Math.ceil(data.length / 1024)} KB)`,
      { field },
    );
  const sha256 = createHash('sha256').update(data).digest('hex');
  if (data.subarray(0, 8).equals(PNG_SIGNATURE)) return { contentType: 'image/png', data, sha256 };
  const text = data.toString('utf8');
  if (/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(text)) {
    // Shown through <img> it could not run anyway; refused so that opened alone it cannot either.
    if (/<script|\bon[a-z]+\s*=|javascript:|<foreignObject/i.test(text))
      throw new AppError(
        'VALIDATION',
        'must not contain scripts, event handlers or foreign objects',
        {
          field,
        },
      );
    return { contentType: 'image/svg+xml', data, sha256 };
  }
  throw new AppError('VALIDATION', 'must be a PNG or an SVG file', { field });
}

/** Where the pages load a logo from: its content hash, so the address never serves other bytes. */
export function logoPath(sha256: string): string {
  return `/logos/${sha256}`;
}
