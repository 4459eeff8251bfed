import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Headers every answer of the web app carries, Next's own 404 and 500 pages included; a route
 * that sets its own (the mobile pages' Content-Security-Policy, Cache-Control) replaces them.
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'X-Robots-Tag': 'noindex, nofollow',
  'Cache-Control': 'no-store',
};

/** Next's internal headers (x-nextjs-cache, x-nextjs-prerender…): they tell a scanner what runs. */
const isInternalHeader = (name: string) => /^x-nextjs-/i.test(name);

/**
 * Puts the security headers on a response before Next writes it and takes Next's internal ones
 * off. Returns false when it answered itself: a path that is not valid percent-encoding never
 * reaches Next (which would fail on it with a bare 500).
 */
export function guardWebResponse(req: IncomingMessage, res: ServerResponse): boolean {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((...args: unknown[]) => {
    for (const name of res.getHeaderNames()) if (isInternalHeader(name)) res.removeHeader(name);
    const headers = args.find((arg, i) => i > 0 && typeof arg === 'object' && arg !== null);
    const given = new Set<string>();
    if (headers && !Array.isArray(headers)) {
      for (const name of Object.keys(headers)) {
        if (isInternalHeader(name)) delete (headers as Record<string, unknown>)[name];
        else given.add(name.toLowerCase());
      }
    }
    // Set last and only where missing: a route's own header (CSP, Cache-Control) is never doubled.
    for (const [name, value] of Object.entries(SECURITY_HEADERS))
      if (!res.hasHeader(name) && !given.has(name.toLowerCase())) res.setHeader(name, value);
    return writeHead(...args);
  }) as typeof res.writeHead;
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  try {
    decodeURIComponent(path);
  } catch {
    res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Bad request\n');
    return false;
  }
  return true;
}
