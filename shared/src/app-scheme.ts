import { z } from 'zod';

/**
 * Schemes a browser runs or reads itself rather than handing to an installed app: an "open in
 * the app" link with one of them would run script or open files on the user's phone.
 */
const UNSAFE_SCHEMES = new Set([
  'javascript',
  'vbscript',
  'data',
  'file',
  'blob',
  'about',
  'filesystem',
  'view-source',
  'intent',
  'http',
  'https',
  'ftp',
  'ws',
  'wss',
  'chrome',
  'resource',
  'jar',
  'ms-appinstaller',
]);

/** Whether a custom URL scheme can only open an installed app: a plain pattern, none of the above. */
export function isSafeAppScheme(scheme: string): boolean {
  return /^[a-z][a-z0-9+.-]{1,31}$/.test(scheme) && !UNSAFE_SCHEMES.has(scheme);
}

/** A profile's app scheme (`acme`, `linphone-config`), lower case. */
export const appSchemeSchema = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9+.-]{1,31}$/, 'must be a URL scheme such as sipops (letters, digits, + . -)')
  .refine(isSafeAppScheme, 'must be the scheme of an app, not one a browser handles itself');
