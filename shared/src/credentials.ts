import { createCipheriv, createDecipheriv, createHash, randomBytes, randomInt } from 'node:crypto';

const USERNAME_DIGITS = 10;
const PASSWORD_LENGTH = 24;
const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
const CIPHER = 'aes-256-gcm';
const CIPHER_VERSION = 'v1';

/** A random numeric username; it never starts with 0 so it reads the same as a number. */
export function generateUsername(): string {
  let value = String(randomInt(1, 10));
  while (value.length < USERNAME_DIGITS) value += String(randomInt(0, 10));
  return value;
}

/** A wizard password: never shown, only handed to the client in its provisioning document. */
export function generatePassword(): string {
  let value = '';
  for (let i = 0; i < PASSWORD_LENGTH; i++) {
    value += PASSWORD_ALPHABET[randomInt(0, PASSWORD_ALPHABET.length)];
  }
  return value;
}

/**
 * Random bytes for IVs, taken from a pool refilled 16 KB at a time: one system call then serves
 * over a thousand IVs, where a call an IV costs more than the encryption (a 100,000-row import).
 */
const RANDOM_POOL_BYTES = 16 * 1024;
let randomPool = Buffer.alloc(0);
let randomPoolOffset = 0;

function takeRandomBytes(count: number): Buffer {
  if (randomPoolOffset + count > randomPool.length) {
    randomPool = randomBytes(RANDOM_POOL_BYTES);
    randomPoolOffset = 0;
  }
  const bytes = randomPool.subarray(randomPoolOffset, randomPoolOffset + count);
  randomPoolOffset += count;
  return bytes;
}

export function encryptSecret(key: Buffer, plain: string): string {
  const iv = takeRandomBytes(12);
  const cipher = createCipheriv(CIPHER, key, iv);
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [CIPHER_VERSION, iv, tag, ciphertext]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join(':');
}

export function decryptSecret(key: Buffer, sealed: string): string {
  const [version, iv, tag, ciphertext] = sealed.split(':');
  if (version !== CIPHER_VERSION || !iv || !tag || ciphertext === undefined) {
    throw new Error('unknown secret format');
  }
  const decipher = createDecipheriv(CIPHER, key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([
    decipher.update(Buffer.from(ciphertext, 'base64url')),
    decipher.final(),
  ]).toString('utf8');
}

/** The SIP digest HA1, MD5(username:realm:password), as SIP servers store it (RFC 2617). */
export function computeSipHa1(username: string, realm: string, password: string): string {
  return createHash('md5').update(`${username}:${realm}:${password}`).digest('hex');
}
