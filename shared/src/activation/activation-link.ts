import { createHash, randomBytes } from 'node:crypto';

/** 24 random bytes: 192 bits, 32 URL-safe characters in the SMS. */
const TOKEN_BYTES = 24;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32}$/;

export type LinkKind = 'installation' | 'activation';

/** A fresh activation link token; only its hash is ever stored. */
export function generateLinkToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Cheap shape check before any database work: a mistyped link is refused like an unknown one. */
export function isWellFormedToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/** The mobile page a link opens (`/a/<token>`). */
export function activationPageUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/a/${token}`;
}

/** The link an SMS carries: the page, in the SMS's own language. */
export function smsLinkUrl(publicBaseUrl: string, token: string, locale: string): string {
  return `${activationPageUrl(publicBaseUrl, token)}?lang=${locale}`;
}

/** A token's length in the SMS: what a template is measured with before any token exists. */
export const SAMPLE_TOKEN = 'x'.repeat(32);

/** The provisioning document the app fetches with the same token. */
export function provisioningUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/api/provisioning/${token}`;
}

/** The same document as Linphone's XML, at a URL of its own: a stock Linphone sends no header. */
export function linphoneXmlUrl(publicBaseUrl: string, token: string): string {
  return `${provisioningUrl(publicBaseUrl, token)}.xml`;
}
