import { describe, expect, test } from 'vitest';
import { admittedSaleNote, takesHolds, turnCounts } from '../src/domain/sale-state';
import { contrastRatio } from '../src/domain/contrast';
import { TIER_COLOURS } from '../src/domain/seat-map';

describe('the sale’s phase as an admitted fan reads it (ADR 0013)', () => {
  test('a pause lets those in go on; a close and a sell-out stop new holds but not the payment of held seats', () => {
    expect(admittedSaleNote('ON_SALE', true)).toEqual({ kind: 'none' });
    expect(admittedSaleNote('PAUSED', false)).toEqual({ kind: 'paused' });
    expect(takesHolds('PAUSED')).toBe(true);
    expect(admittedSaleNote('CLOSED', true)).toEqual({ kind: 'closed', holdsPayable: true });
    expect(admittedSaleNote('CLOSED', false)).toEqual({ kind: 'closed', holdsPayable: false });
    expect(admittedSaleNote('SOLD_OUT', true)).toEqual({ kind: 'sold-out', holdsPayable: true });
    expect(takesHolds('CLOSED')).toBe(false);
    expect(takesHolds('SOLD_OUT')).toBe(false);
  });

  test('the turn’s countdown is shown only while new holds can be taken', () => {
    expect(turnCounts('ON_SALE')).toBe(true);
    expect(turnCounts('PAUSED')).toBe(true);
    expect(turnCounts('CLOSED')).toBe(false);
  });
});

describe('the seat map’s colours', () => {
  test('the seat number in white reads on every tier colour (WCAG AA, 4.5:1)', () => {
    for (const colour of TIER_COLOURS) expect(contrastRatio(colour, '#ffffff'), colour).toBeGreaterThanOrEqual(4.5);
  });

  test('tier colours are distinct from each other and from the states’ colours (mine, held, sold)', () => {
    expect(new Set(TIER_COLOURS).size).toBe(TIER_COLOURS.length);
    for (const state of ['#ffd23f', '#f1f1f1', '#dcdcdc', '#3a3a40', '#ffffff']) expect(TIER_COLOURS).not.toContain(state);
  });

  test('the focus ring is at least 3:1 against the page and the cards', () => {
    for (const bg of ['#f6f6f9', '#ffffff']) expect(contrastRatio('#1b1b1f', bg)).toBeGreaterThanOrEqual(3);
    // On the purple header the ring is white.
    expect(contrastRatio('#ffffff', '#5b2a86')).toBeGreaterThanOrEqual(3);
  });
});
