import ipaddr from 'ipaddr.js';

/**
 * The header the server itself sets on every request it hands to the web app, after throwing
 * away any a client sent: the address failed link look-ups are counted against.
 */
export const CLIENT_ADDRESS_HEADER = 'x-sipops-client-address';

export type TrustedProxies = [ipaddr.IPv4 | ipaddr.IPv6, number][];

function normalise(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  try {
    const parsed = ipaddr.parse(address.trim());
    // An IPv4 client on a dual-stack socket reads ::ffff:203.0.113.7; count it as 203.0.113.7.
    return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()
      ? (parsed as ipaddr.IPv6).toIPv4Address()
      : parsed;
  } catch {
    return undefined;
  }
}

/** `10.0.0.1, 192.168.0.0/16, ::1` (SIPOPS_TRUSTED_PROXIES); the entries it cannot read, if any. */
export function parseTrustedProxies(text: string): { proxies: TrustedProxies; wrong: string[] } {
  const proxies: TrustedProxies = [];
  const wrong: string[] = [];
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    try {
      if (entry.includes('/')) {
        const [address, bits] = ipaddr.parseCIDR(entry);
        const plain = normalise(address.toString());
        proxies.push(
          plain && plain.kind() !== address.kind()
            ? [plain, Math.max(0, bits - 96)]
            : [address, bits],
        );
      } else {
        const address = normalise(entry);
        if (!address) throw new Error(entry);
        proxies.push([address, address.kind() === 'ipv4' ? 32 : 128]);
      }
    } catch {
      wrong.push(entry);
    }
  }
  return { proxies, wrong };
}

function isTrusted(address: ipaddr.IPv4 | ipaddr.IPv6, proxies: TrustedProxies): boolean {
  return proxies.some(
    ([range, bits]) => range.kind() === address.kind() && address.match(range, bits),
  );
}

/**
 * The client's address: the socket's peer, unless that peer is a trusted proxy; then the
 * X-Forwarded-For hops are read from the right, and the first one not a trusted proxy is the
 * client (what lies left of it was written by the client and proves nothing).
 */
export function resolveClientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  proxies: TrustedProxies,
): string {
  const peer = socketAddress ? normalise(socketAddress) : undefined;
  if (!peer) return 'unknown';
  if (!isTrusted(peer, proxies)) return peer.toString();
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  let client = peer;
  for (const hop of hops.reverse()) {
    const address = normalise(hop);
    if (!address) break;
    client = address;
    if (!isTrusted(address, proxies)) break;
  }
  return client.toString();
}
