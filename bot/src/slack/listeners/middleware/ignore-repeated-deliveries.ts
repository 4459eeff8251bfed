import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { type DeliveryLedger, deliveryKey } from '../../delivery-ledger.ts';

/**
 * Slack redelivers what it thinks was lost (`X-Slack-Retry-Num`): a delivery this process has
 * taken already is acknowledged and dropped, so nothing acts twice. A retry of one that never
 * arrived (the process was down) is handled as the first.
 */
export function ignoreRepeatedDeliveries(ledger: DeliveryLedger): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const key = deliveryKey(args.body);
    if (key !== undefined && !ledger.take(key)) {
      if ('ack' in args && typeof args.ack === 'function') await args.ack();
      args.logger.debug(
        `sipops slack: dropped a repeated delivery ${key} (retry ${args.context.retryNum ?? 0})`,
      );
      return;
    }
    await args.next();
  };
}
