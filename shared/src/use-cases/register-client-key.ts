import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import {
  findLiveClientKey,
  insertAuditRows,
  insertClientKey,
  revokeClientKeys,
} from '@sipops/db/queries';
import { findLiveLink, type LinkAccess, lockLiveLink } from '../activation/live-link.ts';
import type { ActivationDeps } from '../deps.ts';
import { AppError } from '../errors.ts';

/** A PEM public key is a few hundred bytes (RSA-4096: about 800); more is not a key. */
export const MAX_PUBLIC_KEY_BYTES = 8 * 1024;

export type RegisteredKey = { fingerprint: string; registeredAt: string; isNew: boolean };

function parsePublicKey(pem: string): KeyObject {
  // createPublicKey would also derive a public key from a private one: a private key is refused.
  if (!/^-----BEGIN (RSA )?PUBLIC KEY-----/m.test(pem.trim())) {
    throw new AppError('VALIDATION', 'must be a PEM public key (-----BEGIN PUBLIC KEY-----)', {
      field: 'publicKey',
    });
  }
  try {
    return createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new AppError('VALIDATION', 'is not a readable PEM public key', { field: 'publicKey' });
  }
}

/**
 * The app uploads the public key of its TLS key pair through its link. It replaces the account's
 * earlier keys. After "revoke all keys", only a link issued after the revocation may register one.
 */
export async function registerClientKey(
  deps: ActivationDeps,
  access: LinkAccess & { publicKeyPem: string },
): Promise<RegisteredKey> {
  if (Buffer.byteLength(access.publicKeyPem, 'utf8') > MAX_PUBLIC_KEY_BYTES) {
    throw new AppError('VALIDATION', 'is too large for a public key', { field: 'publicKey' });
  }
  const key = parsePublicKey(access.publicKeyPem);
  const spki = key.export({ type: 'spki', format: 'der' });
  const fingerprint = createHash('sha256').update(spki).digest('hex');
  const publicKey = key.export({ type: 'spki', format: 'pem' }).toString();

  const found = await findLiveLink(deps, access);
  return deps.db.transaction(async (tx) => {
    const { link, record } = await lockLiveLink(tx, deps, found);
    const { account } = record;
    if (account.keysRevokedAt && link.createdAt.getTime() <= account.keysRevokedAt.getTime()) {
      throw new AppError(
        'NOT_ALLOWED',
        'the keys of this account were revoked after this link was sent: ask support for a new link',
        { field: 'token' },
      );
    }
    const same = await findLiveClientKey(tx, { accountId: account.id, fingerprint });
    if (same) {
      return { fingerprint, registeredAt: same.registeredAt.toISOString(), isNew: false };
    }
    const now = deps.clock.now();
    const replaced = await revokeClientKeys(tx, {
      accountId: account.id,
      at: now,
      keep: fingerprint,
    });
    await insertClientKey(tx, { accountId: account.id, publicKey, fingerprint, registeredAt: now });
    // Audited, not notified: the channel follows statuses, not each device key.
    await insertAuditRows(tx, [
      {
        at: now,
        actor: `web:${access.clientAddress}`,
        action: 'account.key_registered',
        subjectType: 'account',
        subjectId: account.id,
        subjectName: account.username,
        before: { keys: replaced },
        after: { keys: [fingerprint] },
      },
    ]);
    return { fingerprint, registeredAt: now.toISOString(), isNew: true };
  });
}
