import { type AccountRecord, findAccountsByName } from '@sipops/db/queries';
import { z } from 'zod';
import { nameSchema } from '../account-schemas.ts';
import { type GroupScope, isGroupInScope, requireGroupInScope } from '../authorize.ts';
import type { Deps } from '../deps.ts';
import { readRegistrations } from '../registrar/live-registrations.ts';
import { requireGroup } from '../resolve.ts';

export const listClientsSchema = z.strictObject({ group: nameSchema.optional() });
export type ListClientsInput = z.output<typeof listClientsSchema>;

/** A phone registered now under an account. */
export type Client = {
  username: string;
  number: string;
  group: string;
  /** The name it registered under: the username or one of the numbers. */
  registeredAs: string;
  contact: string;
  received: string | null;
  userAgent: string;
  expires: string | null;
};

export type ClientList =
  | { state: 'connected'; clients: Client[] }
  | { state: 'not-connected'; reason: string };

/** Names looked up a statement at a time, far below Postgres's parameter limit. */
const NAMES_PER_STATEMENT = 1000;

/**
 * Who is registered now, from the registrar's `location` table: every account's, or one group's;
 * a person with a scope sees only their groups' accounts (null: every group).
 */
export async function listClients(
  deps: Pick<Deps, 'db' | 'clock' | 'locationDb'>,
  input: ListClientsInput,
  scope: GroupScope = null,
): Promise<ClientList> {
  const group = input.group ? await requireGroup(deps.db, input.group) : undefined;
  if (group) requireGroupInScope(scope, group.id, `group "${group.name}"`);
  const reading = await readRegistrations(deps.locationDb ?? deps.db, deps.clock, undefined);
  if (reading.state !== 'connected') return reading;
  const users = [...new Set(reading.registrations.map((r) => r.user))];
  const byName = new Map<string, AccountRecord>();
  for (let start = 0; start < users.length; start += NAMES_PER_STATEMENT) {
    const records = await findAccountsByName(
      deps.db,
      users.slice(start, start + NAMES_PER_STATEMENT),
    );
    for (const record of records) {
      const { username, number, secondaryNumber } = record.account;
      for (const name of [username, number, secondaryNumber]) if (name) byName.set(name, record);
    }
  }
  const clients: Client[] = [];
  for (const registration of reading.registrations) {
    const record = byName.get(registration.user);
    // Names that are not sipops accounts (the registrar's own users) are not ours to show.
    if (!record || (group && record.group.id !== group.id)) continue;
    if (!isGroupInScope(scope, record.group.id)) continue;
    clients.push({
      username: record.account.username,
      number: record.account.number,
      group: record.group.name,
      registeredAs: registration.user,
      contact: registration.contact,
      received: registration.received,
      userAgent: registration.userAgent,
      expires: registration.expires,
    });
  }
  clients.sort((a, b) => a.group.localeCompare(b.group) || a.username.localeCompare(b.username));
  return { state: 'connected', clients };
}
