import type { Deps } from '@sipops/shared/deps';
import {
  type OutboxWorker,
  type OutboxWorkerOptions,
  RetryableError,
  startOutboxWorker,
} from '@sipops/shared/outbox/outbox-worker';
import { registrationRemovalSchema } from '@sipops/shared/registrar/queue-registration-removal';
import { listAorsToRemove } from '@sipops/shared/registrar/registration-aors';
import { removeAor } from './kamailio-rpc.ts';

export type RegistrarWorkerOptions = {
  deps: Pick<Deps, 'db' | 'clock' | 'locationDb'>;
  /** SIPOPS_KAMAILIO_RPC_URL; without it removals are closed as skipped, nothing is sent. */
  rpcUrl: string | undefined;
  timeoutMs?: number;
  log?: (line: string) => void;
} & Pick<OutboxWorkerOptions, 'backoffMs' | 'leaseMs' | 'pollIntervalMs'>;

/**
 * Sends the outbox's 'registrar' rows (drop an account's live registrations) to Kamailio until
 * stopped. A removal is never given up: it is retried with growing pauses until Kamailio answers.
 */
export function startRegistrarWorker(options: RegistrarWorkerOptions): OutboxWorker {
  const { deps, rpcUrl, log = (line) => console.warn(line) } = options;
  return startOutboxWorker(deps.db, deps.clock, {
    handlers: {
      registrar: async (message) => {
        if (!rpcUrl) return { isSkipped: true };
        const removal = registrationRemovalSchema.parse(message.payload);
        for (const aor of await listAorsToRemove(deps, removal))
          await removeAor(rpcUrl, aor, options.timeoutMs);
        return undefined;
      },
    },
    maxAttempts: Number.MAX_SAFE_INTEGER,
    ...(options.backoffMs ? { backoffMs: options.backoffMs } : {}),
    ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
    onError: (error, message) => {
      const text = error instanceof Error ? error.message : String(error);
      if (!message) log(`sipops: registrar worker: ${text}`);
      else if (error instanceof RetryableError)
        log(
          `sipops: registrar removal ${message.id} (try ${message.attempt}) will be retried: ${text}`,
        );
      else log(`sipops: registrar removal ${message.id} failed for good: ${text}`);
    },
  });
}
