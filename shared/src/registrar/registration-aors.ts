import type { Deps } from '../deps.ts';
import { readRegistrations } from './live-registrations.ts';
import type { RegistrationRemoval } from './queue-registration-removal.ts';

/**
 * The AORs to remove for an account: each name it may register under, at the profile's domain
 * (usrloc strips the domain when `use_domain` is off), and the AORs its contacts really have in
 * the `location` table (when `use_domain` is on, their domain is the one the phone used).
 */
export async function listAorsToRemove(
  deps: Pick<Deps, 'db' | 'clock' | 'locationDb'>,
  removal: RegistrationRemoval,
): Promise<string[]> {
  const aors = new Set(
    removal.users.map((user) => (removal.domain ? `${user}@${removal.domain}` : user)),
  );
  const reading = await readRegistrations(deps.locationDb ?? deps.db, deps.clock, removal.users);
  if (reading.state === 'connected') {
    for (const registration of reading.registrations)
      aors.add(
        registration.domain ? `${registration.user}@${registration.domain}` : registration.user,
      );
  }
  return [...aors];
}
