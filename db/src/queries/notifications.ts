import { eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { groups } from '../schema/index.ts';

/** The Slack channel a group's notifications go to; undefined when the group has none (or is gone). */
export async function findGroupChannel(
  db: Database,
  groupName: string,
): Promise<string | undefined> {
  const [row] = await db
    .select({ channel: groups.slackChannel })
    .from(groups)
    .where(eq(groups.name, groupName));
  return row?.channel?.trim() || undefined;
}
