import { describe, expect, test } from 'vitest';
import type { ConcertNumbers, RefundPolicy } from '../src/api/types';
import { formValuesOf, localInputValue, newConcertValues, specOf, STANDARD_TIERS } from '../src/domain/concert-spec';

const refundPolicy: RefundPolicy = {
  graceHours: 12,
  deadlineHours: 48,
  baseFee: { fixedKrw: 5000 },
  stretches: [{ hoursBefore: 72, fee: { percent: 30, capKrw: 40_000 } }],
};

/** GET /operator/concerts/{id}, as the API answers it (times to the millisecond). */
const view = {
  concertId: 'winter-gala-2027',
  title: 'Winter Gala 2027',
  venue: 'Olympic Hall, Seoul',
  seatLimit: 2,
  phase: 'SCHEDULED',
  preQueueAt: '2027-01-15T01:00:00.250Z',
  opensAt: '2027-01-15T02:00:00.000Z',
  closesAt: '2027-02-14T10:00:00.999Z',
  refundPolicy,
  version: 3,
  priceTiers: [
    { fromSeat: 1, toSeat: 10, price: 220_000 },
    { fromSeat: 11, toSeat: 40, price: 165_000 },
  ],
  admission: { paused: true, admitPerTick: 200, activeCap: 2000 },
  line: { prequeued: 0, cohort: null, waiting: 0, admitted: 0, active: 0 },
  dates: [
    { date: '2027-02-13', totalSeats: 40, availableSeats: 40, heldSeats: 0, soldSeats: 0, revenue: 0 },
    { date: '2027-02-14', totalSeats: 25, availableSeats: 20, heldSeats: 1, soldSeats: 4, revenue: 660_000 },
  ],
} as unknown as ConcertNumbers;

describe('editing a concert: the view, the form and the PUT body', () => {
  test('the form shows each date with its total seats, the tiers read back, the numbers in effect', () => {
    const v = formValuesOf(view);
    expect(v.dates).toEqual([
      ['2027-02-13', '40'],
      ['2027-02-14', '25'],
    ]);
    expect(v.tiers).toEqual([
      ['1', '10', '220000'],
      ['11', '40', '165000'],
    ]);
    expect([v.seatLimit, v.admitPerTick, v.activeCap]).toEqual(['2', '200', '2000']);
    expect(v.opensAt).toBe(localInputValue(new Date('2027-01-15T02:00:00Z')));
  });

  test('an untouched form sends back the same settings: layout, times to the ms, admission, refunds', () => {
    expect(specOf(formValuesOf(view))).toEqual({
      concertId: 'winter-gala-2027',
      title: 'Winter Gala 2027',
      venue: 'Olympic Hall, Seoul',
      dates: [
        { date: '2027-02-13', seats: 40 },
        { date: '2027-02-14', seats: 25 },
      ],
      priceTiers: view.priceTiers,
      seatLimit: 2,
      sale: { preQueueAt: view.preQueueAt, opensAt: view.opensAt, closesAt: view.closesAt },
      admission: { admitPerTick: 200, activeCap: 2000 },
      refundPolicy,
    });
  });

  test('what the operator changed is sent, the rest is kept', () => {
    const v = formValuesOf(view);
    const later = new Date(Date.parse(view.closesAt) + 3_600_000);
    const spec = specOf({
      ...v,
      title: '  Winter Gala 2027 - Encore ',
      dates: [...v.dates, ['2027-02-15', '50']],
      tiers: [...v.tiers, ['41', '50', '₩110,000']],
      closesAt: localInputValue(later),
      activeCap: '',
    });
    expect(spec.title).toBe('Winter Gala 2027 - Encore');
    expect(spec.dates.at(-1)).toEqual({ date: '2027-02-15', seats: 50 });
    expect(spec.priceTiers.at(-1)).toEqual({ fromSeat: 41, toSeat: 50, price: 110_000 });
    expect(spec.sale.closesAt).toBe(new Date(Math.floor(later.getTime() / 1000) * 1000).toISOString());
    expect(spec.sale.opensAt).toBe(view.opensAt);
    expect(spec.admission).toEqual({ admitPerTick: 200, activeCap: null });
    expect(spec.refundPolicy).toBe(refundPolicy);
  });

  test('a time written without seconds still counts as unchanged; an emptied pre-queue is null', () => {
    const v = formValuesOf({ ...view, opensAt: '2027-01-15T02:00:00.000Z' });
    const spec = specOf({ ...v, opensAt: v.opensAt.slice(0, 16), preQueueAt: '' });
    expect(spec.sale.opensAt).toBe('2027-01-15T02:00:00.000Z');
    expect(spec.sale.preQueueAt).toBeNull();
  });

  test('a new concert has the standard tiers, no refund schedule and no numbers of its own', () => {
    const now = Date.parse('2027-01-01T00:00:00Z');
    const spec = specOf({ ...newConcertValues(now, 'abc123'), title: 'T', venue: 'V' });
    expect(spec.concertId).toBe('concert-abc123');
    expect(spec.priceTiers).toEqual(STANDARD_TIERS);
    expect(spec.dates).toEqual([{ date: '2027-01-31', seats: 50 }]);
    expect(spec.sale.opensAt).toBe('2027-01-01T00:05:00.000Z');
    expect(spec.admission).toEqual({ admitPerTick: null, activeCap: null });
    expect('refundPolicy' in spec).toBe(false);
  });
});

describe('a concert’s picture on the form', () => {
  test('a new concert has none, and sends none', () => {
    const v = newConcertValues(Date.parse('2027-01-01T00:00:00Z'), 'abc123');
    expect(v.imageUrl).toBe('');
    expect(specOf(v)).not.toHaveProperty('imageUrl');
  });

  test('an edit reads the picture back and sends it again, trimmed (an edit without it removes it)', () => {
    const withImage = { ...view, imageUrl: 'https://img.example.com/gala.jpg' } as ConcertNumbers;
    const v = formValuesOf(withImage);
    expect(v.imageUrl).toBe('https://img.example.com/gala.jpg');
    expect(specOf(v).imageUrl).toBe('https://img.example.com/gala.jpg');
    expect(specOf({ ...v, imageUrl: '  https://img.example.com/new.jpg ' }).imageUrl).toBe('https://img.example.com/new.jpg');
    // Emptied: left out of the PUT, which removes the picture.
    expect(specOf({ ...v, imageUrl: '' })).not.toHaveProperty('imageUrl');
    expect(formValuesOf(view).imageUrl).toBe('');
  });
});
