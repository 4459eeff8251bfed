import { CLIENT_ADDRESS_HEADER } from '@sipops/shared/client-address';

/**
 * The address failed link look-ups are counted against, as the server that took the connection
 * worked it out (the socket's peer, or X-Forwarded-For from SIPOPS_TRUSTED_PROXIES only). Headers
 * a client sends are never read here: without the server's own header every request counts alike.
 */
export function clientAddress(headers: Headers): string {
  return headers.get(CLIENT_ADDRESS_HEADER)?.trim().slice(0, 64) || 'unknown';
}
