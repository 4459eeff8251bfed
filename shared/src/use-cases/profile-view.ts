import type { ProfileRow } from '@sipops/db/queries';
import type { SmsTemplates } from '@sipops/db/schema';

export type ProfileView = {
  id: string;
  name: string;
  sipHost: string;
  /** The digest realm of the profile's accounts: its own, else the SIP host. */
  realm: string;
  sipPort: number;
  transport: 'tls' | 'tcp' | 'udp';
  iosUrl: string | null;
  androidUrl: string | null;
  brand: string;
  appScheme: string;
  /** The "open in the app" link's template. */
  appLink: string;
  /** Seconds a phone's registration lasts. */
  registrationExpires: number;
  /** What Linphone's XML carries: the clear password or its HA1. */
  credentials: 'password' | 'ha1';
  accentColor: string | null;
  supportContact: string | null;
  timeZone: string;
  /** The SHA-256 of its logo, served at `/logos/<sha256>`; null: none. */
  logoSha256: string | null;
  smsTemplates: SmsTemplates;
};

export function toProfileView(row: ProfileRow): ProfileView {
  return {
    id: row.id,
    name: row.name,
    sipHost: row.sipHost,
    realm: row.realm ?? row.sipHost,
    sipPort: row.sipPort,
    transport: row.transport,
    iosUrl: row.iosUrl,
    androidUrl: row.androidUrl,
    brand: row.brand,
    appScheme: row.appScheme,
    appLink: row.appLink,
    registrationExpires: row.registrationExpires,
    credentials: row.credentials,
    accentColor: row.accentColor,
    supportContact: row.supportContact,
    timeZone: row.timeZone,
    logoSha256: row.logoSha256,
    smsTemplates: row.smsTemplates,
  };
}
