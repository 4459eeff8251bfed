/**
 * The address failed link look-ups are counted against: the first X-Forwarded-For hop (Next sets
 * it to the socket's address when no proxy did), else X-Real-IP. Behind a proxy, the proxy must
 * overwrite X-Forwarded-For rather than append to what the client sent.
 */
export function clientAddress(headers: Headers): string {
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  const address = forwarded || headers.get('x-real-ip')?.trim() || 'unknown';
  // An IPv4 client on a dual-stack socket reads ::ffff:203.0.113.7; count it as 203.0.113.7.
  return address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '').slice(0, 64);
}
