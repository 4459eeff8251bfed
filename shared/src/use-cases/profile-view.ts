import type { ProfileRow } from '@sipops/db/queries';

export type ProfileView = {
  id: string;
  name: string;
  sipHost: string;
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
    sipPort: row.sipPort,
    transport: row.transport,
    iosUrl: row.iosUrl,
    androidUrl: row.androidUrl,
    brand: row.brand,
    appScheme: row.appScheme,
  };
}
