import { ROLES } from '@sipops/db/schema';
import { z } from 'zod';

export type Role = (typeof ROLES)[number];
export { ROLES };

/** A Slack user or team id as Slack writes it (`U0123ABCD`, `W0123ABCD`, `T0123ABCD`). */
const slackIdSchema = (what: string, prefixes: string) =>
  z
    .string({ error: 'is required' })
    .trim()
    .regex(new RegExp(`^[${prefixes}][A-Z0-9]{2,}$`), `must be a Slack ${what} id`);

export const slackUserIdSchema = slackIdSchema('user', 'UW');
export const slackTeamIdSchema = slackIdSchema('team', 'TE');

/** Who is asking, as Slack says: the team and the user. */
export type SlackUser = { teamId: string; userId: string };

export const grantRoleSchema = z.strictObject({
  teamId: slackTeamIdSchema,
  userId: slackUserIdSchema,
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')} (or none to revoke)` }),
  /** The groups, by name, the role is given for; absent or empty: every group. */
  groups: z
    .array(z.string().trim().min(1, 'must not be empty'))
    .optional()
    .transform((names) => (names && names.length > 0 ? [...new Set(names)] : undefined)),
});
export type GrantRoleInput = Omit<z.output<typeof grantRoleSchema>, 'groups'> & {
  groups?: string[] | undefined;
};

export const revokeRoleSchema = z.strictObject({
  teamId: slackTeamIdSchema,
  userId: slackUserIdSchema,
});
export type RevokeRoleInput = z.output<typeof revokeRoleSchema>;

/** The roles' ranks: each role may do everything the ones below it may. */
export const ROLE_RANK: Record<Role, number> = { manager: 1, support: 2, admin: 3 };

/** Admins named in configuration (SIPOPS_ADMINS): admins of every team, without a row. */
export type ConfiguredAdmins = { configuredAdmins: readonly string[] };
