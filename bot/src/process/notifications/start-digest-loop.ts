import type { Deps } from '@sipops/shared/deps';
import { queueGroupDigests } from '@sipops/shared/use-cases/queue-group-digests';

export const DIGEST_CHECK_INTERVAL_MS = 60_000;

export type DigestLoop = { stop(): void };

/**
 * Once a minute, queues the daily digest of each group whose time has come; the notification
 * worker posts it. The outbox keeps one per group and day, so restarts and other processes
 * running this never post a second one.
 */
export function startDigestLoop(options: {
  deps: Pick<Deps, 'db' | 'clock'>;
  intervalMs?: number;
  log?: (line: string) => void;
}): DigestLoop {
  const log = options.log ?? ((line: string) => console.warn(line));
  let isRunning = false;
  const tick = async () => {
    if (isRunning) return;
    isRunning = true;
    try {
      await queueGroupDigests(options.deps);
    } catch (error) {
      log(`sipops: daily digest: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      isRunning = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), options.intervalMs ?? DIGEST_CHECK_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
