// Idempotency keys for charges and payments. A key is made for one intended operation and
// kept until that operation has a definite outcome: pressing the button again after a
// failure with no answer (a dropped connection, a 503 given up) sends the same key, so the
// API answers the first outcome instead of charging or debiting twice.

export function newKey(kind: string): string {
  return `${kind}-${crypto.randomUUID()}`;
}

export class PendingKey {
  private pending: { what: string; key: string } | null = null;

  constructor(private readonly kind: string) {}

  /** The key for `what` (a description of the exact request): the pending one if it is the same request. */
  keyFor(what: string): string {
    if (this.pending?.what !== what) this.pending = { what, key: newKey(this.kind) };
    return this.pending.key;
  }

  /** The outcome is known (success, or a refusal that changed nothing): the next request gets a new key. */
  settle(): void {
    this.pending = null;
  }
}
