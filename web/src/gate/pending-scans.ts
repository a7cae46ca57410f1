// Scans a gate made while it could not reach the service (docs/tickets.md, "A gate whose
// network drops"): kept on the device (localStorage `ticketing.gate.pending`) with the gate
// and the instant of the scan, and sent once the network is back with `scannedAt`, oldest
// first. The service judges each at that instant and lets a ticket in once, so a ticket
// scanned offline at two gates is admitted at the first whose scan arrives and the other
// is told. A scan older than the service takes (12 hours) is dropped.

export interface PendingScan {
  /** The QR code's text as read. */
  code: string;
  gate: string;
  /** When it was scanned (RFC 3339): sent as `scannedAt`. */
  scannedAt: string;
}

export const PENDING_KEY = 'ticketing.gate.pending';
/** The oldest scan the service still judges (POST /gate/check-ins, scannedAt). */
export const PENDING_MAX_AGE_MS = 12 * 3_600_000;

export class PendingScans {
  constructor(
    private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | undefined = globalThis.localStorage,
    private readonly now: () => number = Date.now,
  ) {}

  /** The scans waiting, oldest first (read again each time: another tab of the scanner may have sent some). */
  list(): PendingScan[] {
    let saved: unknown;
    try {
      saved = JSON.parse(this.storage?.getItem(PENDING_KEY) ?? '[]');
    } catch {
      saved = [];
    }
    const fresh = (s: PendingScan) => this.now() - Date.parse(s.scannedAt) < PENDING_MAX_AGE_MS;
    return (Array.isArray(saved) ? (saved as PendingScan[]) : [])
      .filter((s) => typeof s?.code === 'string' && typeof s.gate === 'string' && typeof s.scannedAt === 'string' && fresh(s))
      .sort((a, b) => Date.parse(a.scannedAt) - Date.parse(b.scannedAt));
  }

  add(scan: PendingScan): void {
    this.write([...this.list(), scan]);
  }

  /** The scan has its answer (or can never have one): it leaves the queue. */
  remove(scan: PendingScan): void {
    this.write(this.list().filter((s) => !(s.code === scan.code && s.gate === scan.gate && s.scannedAt === scan.scannedAt)));
  }

  private write(scans: PendingScan[]): void {
    this.storage?.setItem(PENDING_KEY, JSON.stringify(scans));
  }
}
