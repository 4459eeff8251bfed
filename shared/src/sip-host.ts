import ipaddr from 'ipaddr.js';

const DNS_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/**
 * A SIP server's host as staff type it: a DNS name, an IPv4 address in four decimal parts, or an
 * IPv6 address (without brackets). Digits and dots alone must make a real IPv4 address, so
 * `999.999.999.999` is refused rather than taken for a name.
 */
export function isSipHost(value: string): boolean {
  if (ipaddr.IPv6.isValid(value)) return true;
  if (/^[\d.]+$/.test(value)) return ipaddr.IPv4.isValidFourPartDecimal(value);
  return DNS_NAME.test(value);
}

/** The host as it stands in a SIP URI: an IPv6 address in brackets (RFC 3261), others as they are. */
export function uriHost(host: string): string {
  return ipaddr.IPv6.isValid(host) ? `[${host}]` : host;
}

/** `host:port`, unambiguous for IPv6 too (`[2001:db8::1]:5061`). */
export function hostPort(host: string, port: number): string {
  return `${uriHost(host)}:${port}`;
}
