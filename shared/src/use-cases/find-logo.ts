import { findLogo as findLogoRow } from '@sipops/db/queries';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';

const SHA256 = /^[0-9a-f]{64}$/;

/** A logo by the content hash in its address (`/logos/<sha256>`). */
export async function findLogo(
  deps: Deps,
  input: { sha256: string },
): Promise<{ contentType: string; data: Buffer; sha256: string }> {
  const row = SHA256.test(input.sha256) ? await findLogoRow(deps.db, input.sha256) : undefined;
  if (!row) throw new AppError('NOT_FOUND', 'no such logo', { field: 'logo' });
  return {
    contentType: row.contentType,
    data: Buffer.from(row.data, 'base64'),
    sha256: row.sha256,
  };
}
