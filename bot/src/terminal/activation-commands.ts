import {
  type LastSms,
  listSms,
  listSmsSchema,
  type SmsView,
} from '@sipops/shared/use-cases/list-sms';
import { sendActivationSms } from '@sipops/shared/use-cases/send-activation-sms';
import { parseInput } from '@sipops/shared/validation';
import type { CommandSpec } from './commands.ts';
import { formatAccount, toAccountJson } from './format.ts';
import { UsageError } from './io.ts';

/** The `show` line of the last SMS, aligned with the card's rows; nothing when none was sent. */
export function formatLastSms(last: LastSms | null): string {
  if (!last) return '';
  const error = last.errorCode ? ` (error ${last.errorCode})` : '';
  return `${'last SMS'.padEnd(16)}  ${last.status}${error} since ${last.at}\n`;
}

export function formatSmsList(messages: SmsView[]): string {
  if (messages.length === 0) return 'no SMS\n';
  return `${messages
    .map((m) => {
      const error =
        m.errorCode || m.errorMessage
          ? `  error ${m.errorCode ?? ''} ${m.errorMessage ?? ''}`.trimEnd()
          : '';
      return `${m.createdAt}  ${m.account ?? '(deleted)'}  ${m.to}  ${m.provider}  ${m.status}${error}\n  ${m.body}`;
    })
    .join('\n')}\n`;
}

/** `activate` and `sms list`: the automatic activation from the terminal. */
export const ACTIVATION_COMMANDS: CommandSpec[] = [
  {
    name: 'activate',
    args: '<account>',
    flags: { reminder: 'optional' },
    note: 'sends the activation SMS; --reminder: the activation step only',
    positionals: [1, 1],
    // It costs an SMS and kills the link sent before: asked like the other risky verbs.
    isDestructive: true,
    async run({ context, values, positionals, isJson }) {
      const result = await sendActivationSms(await context.deps(), context.actor, {
        account: positionals[0] ?? '',
        kind: values.reminder === true ? 'activation' : 'installation',
      });
      const { account } = result;
      // The caller's settings: the server's own start-up ones when the command was forwarded.
      const where =
        context.settings.smsMode === 'local'
          ? `it goes to the local outbox: npm run sip -- sms list --account ${account.username}`
          : 'the server sends it through Twilio';
      if (isJson) {
        context.io.out(
          `${JSON.stringify({ account: toAccountJson(account), expiresAt: result.expiresAt }, null, 2)}\n`,
        );
        context.io.err(`${values.reminder ? 'reminder' : 'activation'} SMS queued; ${where}\n`);
        return;
      }
      context.io.out(
        `${values.reminder ? 'reminder' : 'activation'} SMS to ${account.number} queued, link valid until ${result.expiresAt}\n${where}\n${formatAccount(account)}`,
      );
    },
  },
  {
    name: 'sms list',
    flags: { account: 'optional', limit: 'optional' },
    note: 'newest first; local outbox SMS show their link',
    positionals: [0, 0],
    async run({ context, values, isJson }) {
      const limit = values.limit;
      if (limit !== undefined && (typeof limit !== 'string' || !/^\d+$/.test(limit)))
        throw new UsageError('--limit takes a whole number');
      const input = parseInput(listSmsSchema, {
        ...(typeof values.account === 'string' ? { account: values.account } : {}),
        ...(limit === undefined ? {} : { limit: Number(limit) }),
      });
      const messages = await listSms(await context.deps(), input);
      context.io.out(isJson ? `${JSON.stringify(messages, null, 2)}\n` : formatSmsList(messages));
    },
  },
];
