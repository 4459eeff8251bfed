/** How the provisioning document is written: sipops' JSON, or Linphone's lpconfig XML. */
export type ProvisioningFormat = 'json' | 'xml';

const XML_SUFFIX = '.xml';

/** The quality an Accept header gives a media type (exact, then `type/*`, then `*\/*`); 0 if none. */
function qualityOf(accept: string, type: string): number {
  let best = { rank: -1, q: 0 };
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const rank =
      range === type ? 2 : range === `${type.split('/')[0]}/*` ? 1 : range === '*/*' ? 0 : -1;
    if (rank < best.rank || rank < 0) continue;
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    best = { rank, q: Number.isFinite(q) ? q : 0 };
  }
  return best.q;
}

/**
 * The token and format of a provisioning request. `<token>.xml` is always XML: a stock Linphone
 * sends no header of its own (linphonec 5.1: `User-Agent: Unknown`). The plain URL is JSON unless
 * the client asks for XML with `x-linphone-provisioning` or an Accept preferring XML to JSON.
 */
export function provisioningRequest(
  segment: string,
  headers: Headers,
): { token: string; format: ProvisioningFormat } {
  if (segment.endsWith(XML_SUFFIX))
    return { token: segment.slice(0, -XML_SUFFIX.length), format: 'xml' };
  if (headers.has('x-linphone-provisioning')) return { token: segment, format: 'xml' };
  const accept = headers.get('accept');
  if (accept) {
    const xml = Math.max(qualityOf(accept, 'application/xml'), qualityOf(accept, 'text/xml'));
    if (xml > 0 && xml > qualityOf(accept, 'application/json'))
      return { token: segment, format: 'xml' };
  }
  return { token: segment, format: 'json' };
}
