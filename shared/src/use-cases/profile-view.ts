import type { ProfileRow } from '@sipops/db/queries';

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
  };
}
