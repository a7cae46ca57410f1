// The gate staff's route (docs/openapi.json): the caller must be gate staff.

import type { ApiClient } from './client';
import type { CheckIn } from './types';

export class GateApi {
  constructor(private readonly client: ApiClient) {}

  /**
   * Let the ticket whose QR code reads `code` in at `gate`. A retry after a lost answer is
   * safe: the ticket is let in once, and a second scan answers ALREADY_CHECKED_IN.
   * `scannedAt` only for a scan made while the network was down, sent once it is back.
   */
  checkIn(code: string, gate: string, scannedAt?: string): Promise<CheckIn> {
    return this.client.call({ method: 'POST', path: '/gate/check-ins', body: scannedAt ? { code, gate, scannedAt } : { code, gate } });
  }
}
