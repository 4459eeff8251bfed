import { insertGroup } from '@sipops/db/queries';
import { z } from 'zod';
import { nameSchema } from '../account-schemas.ts';
import { rethrowUniqueViolation } from '../database-errors.ts';
import type { Actor, Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { recordAudit } from '../record-change.ts';
import { requireProfile } from '../resolve.ts';
import { slackChannelSchema } from './group-schemas.ts';

export const createGroupSchema = z.strictObject({
  name: nameSchema,
  profile: nameSchema.optional(),
  channel: slackChannelSchema.optional(),
});
export type CreateGroupInput = z.output<typeof createGroupSchema>;

export type GroupView = {
  id: string;
  name: string;
  profile: string | null;
  channel: string | null;
};

export async function createGroup(
  deps: Deps,
  actor: Actor,
  input: CreateGroupInput,
): Promise<GroupView> {
  return deps.db.transaction(async (tx) => {
    const profile = input.profile ? await requireProfile(tx, input.profile) : null;
    const group = await insertGroup(tx, {
      name: input.name,
      profileId: profile?.id ?? null,
      slackChannel: input.channel ?? null,
      createdAt: deps.clock.now(),
    }).catch((error: unknown) =>
      rethrowUniqueViolation(error, {
        groups_name_unique: new AppError(
          'DUPLICATE_NAME',
          `a group named "${input.name}" exists already`,
          { field: 'name' },
        ),
      }),
    );
    const view: GroupView = {
      id: group.id,
      name: group.name,
      profile: profile?.name ?? null,
      channel: group.slackChannel,
    };
    await recordAudit(tx, {
      action: 'group.created',
      actor,
      at: deps.clock.now(),
      subjectType: 'group',
      subjectId: group.id,
      subjectName: group.name,
      before: null,
      after: view,
    });
    return view;
  });
}
