/** GSM 03.38's basic character set (one septet each); ESC is left out, it starts the extension. */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** The extension table: two septets each (ESC + the character). */
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

export type SmsEncoding = 'GSM-7' | 'UCS-2';
export type SmsLength = { encoding: SmsEncoding; segments: number; units: number };

/** A text's size as a phone network counts it: GSM-7 when every character fits, UCS-2 otherwise. */
export function measureSms(text: string): SmsLength {
  const chars = [...text];
  const isGsm = chars.every((c) => GSM_BASIC.has(c) || GSM_EXTENSION.has(c));
  // Sizes of a character in the units a segment holds: septets, or UTF-16 code units.
  const sizes = isGsm
    ? chars.map((c) => (GSM_EXTENSION.has(c) ? 2 : 1))
    : chars.map((c) => c.length);
  const units = sizes.reduce((a, b) => a + b, 0);
  const [single, part] = isGsm ? [160, 153] : [70, 67];
  if (units <= single) return { encoding: isGsm ? 'GSM-7' : 'UCS-2', segments: 1, units };
  // A long text's parts never split an escape pair or a surrogate pair.
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > part) {
      segments++;
      used = 0;
    }
    used += size;
  }
  return { encoding: isGsm ? 'GSM-7' : 'UCS-2', segments, units };
}

export function describeSmsLength(length: SmsLength): string {
  return `${length.segments} SMS (${length.encoding}, ${length.units} ${length.encoding === 'GSM-7' ? 'characters' : 'UCS-2 units'})`;
}
