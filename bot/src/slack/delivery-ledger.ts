/**
 * The deliveries this process has taken, by Slack's id for them (an event's `event_id`, an
 * interaction's `trigger_id`), so that a retried or repeated delivery is acknowledged and dropped.
 */
export class DeliveryLedger {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs = 60 * 60_000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True the first time a key is offered (within the TTL); false for every repeat. */
  take(key: string): boolean {
    const at = this.now();
    this.forgetOld(at);
    if (this.seen.has(key)) return false;
    this.seen.set(key, at);
    return true;
  }

  private forgetOld(at: number): void {
    for (const [key, takenAt] of this.seen) {
      if (at - takenAt < this.ttlMs && this.seen.size < this.maxEntries) break;
      this.seen.delete(key);
    }
  }
}

/** Slack's id of one delivery; redeliveries carry the same one. */
export function deliveryKey(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { event_id: eventId, trigger_id: triggerId } = body as Record<string, unknown>;
  if (typeof eventId === 'string' && eventId) return `event:${eventId}`;
  if (typeof triggerId === 'string' && triggerId) return `trigger:${triggerId}`;
  return undefined;
}
