// The operator's routes (docs/openapi.json): the caller must be an operator.

import type { ApiClient } from './client';
import type { AdmissionNumbers, Concert, ConcertNumbers, ConcertSpec, Venue, VenueLayout, VenueSummary } from './types';

const enc = encodeURIComponent;

export class OperatorApi {
  constructor(private readonly client: ApiClient) {}

  create(spec: ConcertSpec): Promise<Concert> {
    return this.client.call({ method: 'POST', path: '/operator/concerts', body: spec });
  }

  /** Replace the concert's settings: the whole spec, as on creation. */
  edit(concertId: string, spec: ConcertSpec): Promise<Concert> {
    return this.client.call({ method: 'PUT', path: `/operator/concerts/${enc(concertId)}`, body: spec });
  }

  numbers(concertId: string): Promise<ConcertNumbers> {
    return this.client.call({ path: `/operator/concerts/${enc(concertId)}` });
  }

  pause(concertId: string): Promise<Concert> {
    return this.client.call({ method: 'POST', path: `/operator/concerts/${enc(concertId)}/pause` });
  }

  resume(concertId: string): Promise<Concert> {
    return this.client.call({ method: 'POST', path: `/operator/concerts/${enc(concertId)}/resume` });
  }

  close(concertId: string): Promise<Concert> {
    return this.client.call({ method: 'POST', path: `/operator/concerts/${enc(concertId)}/close` });
  }

  setAdmission(concertId: string, numbers: AdmissionNumbers): Promise<Concert> {
    return this.client.call({ method: 'PUT', path: `/operator/concerts/${enc(concertId)}/admission`, body: numbers });
  }

  /** Lay out a venue (at most 1 MiB of JSON). The same layout sent again answers the venue as made. */
  createVenue(layout: VenueLayout): Promise<Venue> {
    return this.client.call({ method: 'POST', path: '/operator/venues', body: layout });
  }

  venues(): Promise<VenueSummary[]> {
    return this.client.call<{ venues: VenueSummary[] }>({ path: '/operator/venues' }).then((r) => r.venues);
  }

  venue(venueId: string): Promise<Venue> {
    return this.client.call({ path: `/operator/venues/${enc(venueId)}` });
  }
}
