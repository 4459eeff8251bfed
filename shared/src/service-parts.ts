/**
 * Which parts of the running process work, for /api/health: the Slack bot and the outbox workers
 * run beside the web app, and one of them being down must not take the others with it.
 */
export type ServicePart = 'slack' | 'workers';
export type PartState = 'up' | 'down' | 'off';

const PARTS = Symbol.for('sipops.parts');
type PartsSlot = { [PARTS]?: Partial<Record<ServicePart, PartState>> };

/** Shared through globalThis: the start script and Next's server chunks load this module apart. */
function slot(): Partial<Record<ServicePart, PartState>> {
  const holder = globalThis as PartsSlot;
  holder[PARTS] ??= {};
  return holder[PARTS];
}

export function reportPart(part: ServicePart, state: PartState): void {
  slot()[part] = state;
}

/** The parts this process runs; empty when the web app runs alone (`next start`). */
export function readParts(): Partial<Record<ServicePart, PartState>> {
  return { ...slot() };
}
