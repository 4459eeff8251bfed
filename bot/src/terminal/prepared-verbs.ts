/**
 * The first words of the commands whose forwarded call must be prepared in the caller's process
 * with the whole command table: they ask for confirmation (`isDestructive`) or send the caller's
 * files (import's CSV, a profile's logo). Every other call is sent to a running server as typed,
 * without loading the commands at all, so it answers at once. A test checks this list against
 * the table.
 */
export const PREPARED_VERBS: ReadonlySet<string> = new Set([
  'disable',
  'enable',
  'delete',
  'revoke-keys',
  'activate',
  'import',
  'profile',
]);
