import { updateGroupSettings } from '@sipops/db/queries';
import { z } from 'zod';
import { nameSchema } from '../account-schemas.ts';
import type { Actor, Deps } from '../deps.ts';
import { recordAudit } from '../record-change.ts';
import { requireGroup } from '../resolve.ts';

/** `HH:MM` on a 24-hour clock, or `off`. */
const digestTimeSchema = z
  .string()
  .trim()
  .regex(/^(off|([01]\d|2[0-3]):[0-5]\d)$/, 'must be a time such as 08:30 (24-hour), or off')
  .transform((value) => (value === 'off' ? null : value));

/** An IANA time zone (`Europe/Rome`, `UTC`), as the runtime knows them. */
export const timeZoneSchema = z
  .string()
  .trim()
  .refine(isTimeZone, 'must be a time zone such as Europe/Rome or UTC');

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return value.length > 0;
  } catch {
    return false;
  }
}

export const editGroupSchema = z.strictObject({
  name: nameSchema,
  digestTime: digestTimeSchema.optional(),
  timeZone: timeZoneSchema.optional(),
});
export type EditGroupInput = z.output<typeof editGroupSchema>;

export type GroupSettingsView = {
  name: string;
  /** `08:30`, or null: no daily digest. */
  digestTime: string | null;
  digestTimeZone: string;
};

/** Changes a group's settings: the time of its daily digest (off by default) and its time zone. */
export async function editGroup(
  deps: Deps,
  actor: Actor,
  input: EditGroupInput,
): Promise<GroupSettingsView> {
  return deps.db.transaction(async (tx) => {
    const before = await requireGroup(tx, input.name, 'name');
    const set = {
      ...(input.digestTime !== undefined ? { digestTime: input.digestTime } : {}),
      ...(input.timeZone !== undefined ? { digestTimeZone: input.timeZone } : {}),
    };
    const after =
      Object.keys(set).length > 0 ? await updateGroupSettings(tx, before.id, set) : before;
    if (!after) throw new Error('the group vanished during its edit');
    const view = (g: typeof before): GroupSettingsView => ({
      name: g.name,
      digestTime: g.digestTime,
      digestTimeZone: g.digestTimeZone,
    });
    if (Object.keys(set).length > 0)
      await recordAudit(tx, {
        action: 'group.edited',
        actor,
        at: deps.clock.now(),
        subjectType: 'group',
        subjectId: before.id,
        subjectName: before.name,
        before: view(before),
        after: view(after),
      });
    return view(after);
  });
}
