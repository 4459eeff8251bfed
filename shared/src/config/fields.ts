import { z } from 'zod';
import { isSipHost } from '../sip-host.ts';

/** A variable set to blanks counts as not set: trims, and blank becomes undefined. */
export const blankAsUnset = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }, schema.optional());

const PORT_RANGE = 'must be a port number from 1 to 65535';

/** A TCP port; `fallback` when unset. */
export const portSchema = (fallback: number) =>
  blankAsUnset(
    z
      .string()
      .regex(/^\d+$/, 'must be a port number')
      .transform(Number)
      .pipe(z.number().int().min(1, PORT_RANGE).max(65535, PORT_RANGE)),
  ).transform((port) => port ?? fallback);

/** The host of a URL: a DNS name, a real IPv4 address or an IPv6 one (checked with ipaddr.js). */
function hasRealHost(url: URL): boolean {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return host !== '' && isSipHost(host);
}

/**
 * An http(s) URL with a real host (`example`: one shown in the message); `bare`: no query nor
 * fragment (a base other paths are added to).
 */
export const httpUrlSchema = (example: string, options: { bare?: boolean } = {}) =>
  blankAsUnset(
    z.string().refine((text) => {
      if (!/^https?:\/\/[^\s/?#]+/.test(text) || /\s/.test(text)) return false;
      if (options.bare && /[?#]/.test(text)) return false;
      try {
        return hasRealHost(new URL(text));
      } catch {
        return false;
      }
    }, `must be an http(s) URL such as ${example}`),
  );

/** A postgres:// URL; its host, when it names one (not a socket folder), must be real. */
export const postgresUrlSchema = blankAsUnset(
  z.string().refine((text) => {
    if (!/^postgres(ql)?:\/\/\S*$/.test(text)) return false;
    try {
      const url = new URL(text);
      return url.hostname === '' || hasRealHost(url);
    } catch {
      return false;
    }
  }, 'must be a postgres:// URL'),
);

/** A comma-separated list; the entries `isValid` refuses are named in `message`. */
export const listSchema = (isValid: (entry: string) => boolean, message: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      const entries = (value ?? '')
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry.length > 0);
      const wrong = entries.filter((entry) => !isValid(entry));
      if (wrong.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `${message}; not ${wrong.map((entry) => `"${entry}"`).join(', ')}`,
        });
        return z.NEVER;
      }
      return entries;
    });
