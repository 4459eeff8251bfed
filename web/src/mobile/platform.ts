/** Which store the page offers; `other` (computers, iPads that say they are Macs) gets the QR code. */
export type Platform = 'ios' | 'android' | 'other';

export function detectPlatform(userAgent: string | null): Platform {
  const ua = userAgent ?? '';
  // iPad is a tablet: like a computer, it gets the QR code for the phone.
  if (/\b(iPhone|iPod)\b/.test(ua)) return 'ios';
  // Android tablets say "Android" without "Mobile".
  if (/\bAndroid\b/.test(ua) && /\bMobile\b/.test(ua)) return 'android';
  return 'other';
}
