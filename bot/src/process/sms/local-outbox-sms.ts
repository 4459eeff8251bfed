import { randomUUID } from 'node:crypto';
import { prepareSmsDelivery, recordSmsHandedOver } from '@sipops/shared/activation/sms-delivery';
import type { Deps } from '@sipops/shared/deps';
import type { OutboxHandler } from '@sipops/shared/outbox/outbox-worker';

/**
 * The 'sms' handler when Twilio is not configured: the SMS lands in the local outbox
 * (`npm run sip -- sms list`) and in the log, so the embedded default works end to end.
 */
export function createLocalOutboxSmsHandler(
  deps: Deps,
  options: { log?: (line: string) => void } = {},
): OutboxHandler {
  const log = options.log ?? ((line: string) => console.log(line));
  return async (message) => {
    const plan = await prepareSmsDelivery(deps, message, 'local');
    if (plan.action === 'skip') {
      log(`sipops: sms ${message.id} not sent: ${plan.reason}`);
      return undefined;
    }
    if (plan.action === 'done') return { externalId: plan.providerSid };
    const providerSid = `LOCAL${randomUUID().replaceAll('-', '')}`;
    await recordSmsHandedOver(deps, plan.smsId, {
      providerSid,
      status: 'sent',
      actor: 'sms:local',
    });
    log(`sipops: sms to ${plan.to} (local outbox): ${plan.text}`);
    return { externalId: providerSid };
  };
}
