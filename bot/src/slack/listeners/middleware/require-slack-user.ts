import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';

/** The Slack user and team a request comes from, wherever its kind of body keeps them. */
function whoSent(body: unknown): { userId: unknown; teamId: unknown } {
  const record = (body ?? {}) as Record<string, unknown>;
  const user = record.user as { id?: unknown; team_id?: unknown } | undefined;
  const team = record.team as { id?: unknown } | undefined;
  const event = record.event as { user?: unknown } | undefined;
  if (typeof record.command === 'string') return { userId: record.user_id, teamId: record.team_id };
  if (event) return { userId: event.user, teamId: record.team_id };
  return { userId: user?.id, teamId: team?.id ?? user?.team_id };
}

const isId = (value: unknown) => typeof value === 'string' && /^[A-Z0-9]{2,}$/.test(value);

/**
 * Roles are looked up by Slack user and team: a signed request that names neither (a broken
 * client, a forged replay) is answered with a clear refusal and never reaches a query.
 */
export function requireSlackUser(): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const { userId, teamId } = whoSent(args.body);
    if (isId(userId) && isId(teamId)) {
      await args.next();
      return;
    }
    args.logger.warn('sipops slack: refused a request that names no Slack user or team');
    if ('ack' in args && typeof args.ack === 'function') {
      const isCommand = typeof (args.body as { command?: unknown }).command === 'string';
      await (args.ack as (answer?: string) => Promise<void>)(
        isCommand
          ? 'This request names no Slack user or team (user_id, team_id): nothing done.'
          : undefined,
      );
    }
  };
}
