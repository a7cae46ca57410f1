import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { VenueLayout, VenueSection } from '../src/api/types';
import { contrastRatio } from '../src/domain/contrast';
import { TIER_COLOURS } from '../src/domain/seat-map';
import {
  LAYOUT_MAX_BYTES,
  labelSize,
  layoutPlaces,
  readLayout,
  runBounds,
  runSeats,
  sectionBounds,
  sectionName,
  sectionPlaces,
  sectionRows,
  sectionSeats,
  sectionTitle,
  tierColours,
  tierTotals,
  venueBounds,
  viewBox,
} from '../src/domain/venue-map';

const ARENA_TEXT = readFileSync(new URL('../../docs/venues/arena.json', import.meta.url), 'utf8');
const ARENA = JSON.parse(ARENA_TEXT) as VenueLayout;

// docs/venues.md's example.
const HALL: VenueLayout = {
  venueId: 'olympic-hall',
  name: 'Olympic Hall',
  stage: { x: -10, y: 0, width: 20, height: 4 },
  sections: [
    {
      id: 'A',
      name: { en: 'Floor A', ko: 'A구역' },
      tier: 'VIP',
      rows: [
        { row: '1', seats: 20, x: -10, y: 6 },
        { row: '2', first: 1, seats: 10, x: -10, y: 7 },
        { row: '2', first: 11, seats: 10, x: 1, y: 7 },
      ],
    },
    { id: 'S1', name: { en: 'Standing 1', ko: '스탠딩 1구역' }, tier: 'R', standing: { capacity: 500, x: -10, y: 10, width: 20, height: 10 } },
  ],
};
const [FLOOR, STANDING] = HALL.sections;

describe('seats of a run', () => {
  test('seat i is at (x + i*dx, y + i*dy), numbered first + i; the defaults are first 1 and step [1, 0]', () => {
    expect(runSeats({ row: '1', seats: 3, x: -10, y: 6 })).toEqual([
      { row: '1', number: 1, x: -10, y: 6 },
      { row: '1', number: 2, x: -9, y: 6 },
      { row: '1', number: 3, x: -8, y: 6 },
    ]);
    expect(runSeats({ row: 'B', first: 11, seats: 2, x: 5, y: 0, step: [0, 1] })).toEqual([
      { row: 'B', number: 11, x: 5, y: 0 },
      { row: 'B', number: 12, x: 5, y: 1 },
    ]);
  });

  test('steps backwards and diagonally', () => {
    expect(runSeats({ row: '1', seats: 3, x: 0, y: 0, step: [-2, 1] }).map((p) => [p.x, p.y])).toEqual([[0, 0], [-2, 1], [-4, 2]]);
  });

  test("a run's bounds are its first and last seats' unit squares, whichever way it steps", () => {
    expect(runBounds({ row: '1', seats: 20, x: -10, y: 6 })).toEqual({ x: -10, y: 6, width: 20, height: 1 });
    expect(runBounds({ row: '1', seats: 22, x: -51, y: 0, step: [0, 1] })).toEqual({ x: -51, y: 0, width: 1, height: 22 });
    expect(runBounds({ row: '1', seats: 3, x: 0, y: 0, step: [-2, 1] })).toEqual({ x: -4, y: 0, width: 5, height: 3 });
    expect(runBounds({ row: '1', seats: 1, x: 7, y: 7, step: [3, 3] })).toEqual({ x: 7, y: 7, width: 1, height: 1 });
  });

  test('the bounds hold every seat of the run (checked seat by seat)', () => {
    for (const section of ARENA.sections) {
      for (const run of section.rows ?? []) {
        const b = runBounds(run);
        const seats = runSeats(run);
        expect(Math.min(...seats.map((s) => s.x))).toBe(b.x);
        expect(Math.max(...seats.map((s) => s.x + 1))).toBe(b.x + b.width);
        expect(Math.min(...seats.map((s) => s.y))).toBe(b.y);
        expect(Math.max(...seats.map((s) => s.y + 1))).toBe(b.y + b.height);
      }
    }
  });
});

describe('sections', () => {
  test('a seated section covers its seats: a row broken by an aisle is one row of two runs', () => {
    expect(sectionBounds(FLOOR)).toEqual({ x: -10, y: 6, width: 21, height: 2 });
    expect(sectionSeats(FLOOR)).toHaveLength(40);
    expect(sectionPlaces(FLOOR)).toBe(40);
    expect(sectionRows(FLOOR)).toEqual([
      { row: '1', seats: 20, from: 1, to: 20 },
      { row: '2', seats: 20, from: 1, to: 20 },
    ]);
  });

  test('a standing section is its area and its capacity, no seats', () => {
    expect(sectionBounds(STANDING)).toEqual({ x: -10, y: 10, width: 20, height: 10 });
    expect(sectionPlaces(STANDING)).toBe(500);
    expect(sectionSeats(STANDING)).toEqual([]);
    expect(sectionRows(STANDING)).toEqual([]);
  });

  test('names in Korean fall back to English', () => {
    const noKo: VenueSection = { id: 'N1', name: { en: 'North lower' }, tier: 'S', rows: [{ row: '1', seats: 1, x: 0, y: 0 }] };
    expect(sectionName(FLOOR, 'ko')).toBe('A구역');
    expect(sectionName(noKo, 'ko')).toBe('North lower');
  });

  test('the read-out name carries the id shown on the map as a word of its own (label in name)', () => {
    const named = (id: string, en: string, ko?: string): VenueSection => ({ id, name: { en, ko }, tier: 'S', rows: [] });
    expect(sectionTitle(FLOOR, 'en')).toBe('Floor A');
    expect(sectionTitle(FLOOR, 'ko')).toBe('A 구역');
    expect(sectionTitle(named('N1', 'North lower'), 'en')).toBe('N1, North lower');
    expect(sectionTitle(named('F1', 'Floor standing F1', '스탠딩 F1구역'), 'ko')).toBe('스탠딩 F1 구역');
    expect(sectionTitle(named('A-1', 'Block (A-1)'), 'en')).toBe('Block (A-1)');
    // An id that is part of another word is not taken for it.
    expect(sectionTitle(named('A', 'Area 5'), 'en')).toBe('A, Area 5');
    const s101 = ARENA.sections.find((s) => s.id === '101')!;
    expect([sectionTitle(s101, 'en'), sectionTitle(s101, 'ko')]).toEqual(['Section 101', '101 구역']);
  });
});

describe('the whole venue', () => {
  test('its bounds hold the stage and every section', () => {
    expect(venueBounds(HALL)).toEqual({ x: -10, y: 0, width: 21, height: 20 });
    const b = venueBounds(ARENA);
    for (const s of ARENA.sections) {
      const sb = sectionBounds(s);
      expect(sb.x >= b.x && sb.y >= b.y && sb.x + sb.width <= b.x + b.width && sb.y + sb.height <= b.y + b.height).toBe(true);
    }
    expect(b).toEqual({ x: -97, y: 0, width: 194, height: 117 }); // the side sections' rows run outwards to x = -97 and 96
  });

  test('the viewBox is the bounds with a margin', () => {
    expect(viewBox({ x: -10, y: 0, width: 21, height: 20 })).toBe('-12 -2 25 24');
    expect(viewBox({ x: 0, y: 0, width: 1, height: 1 }, 0.5)).toBe('-0.5 -0.5 2 2');
  });

  test("the arena's 23 sections and 14,896 seats and places", () => {
    expect(ARENA.sections).toHaveLength(23);
    expect(layoutPlaces(ARENA)).toBe(14_896);
    expect(sectionPlaces(ARENA.sections.find((s) => s.id === '101')!)).toBe(440);
  });

  test('the largest section of a stadium-sized layout is a few thousand seats at most (drawn one rect each)', () => {
    expect(Math.max(...ARENA.sections.filter((s) => s.rows).map((s) => sectionSeats(s).length))).toBeLessThan(2_000);
  });
});

describe('tiers', () => {
  test('each tier a colour of the seat map, in the order the tiers first appear', () => {
    expect([...tierColours(ARENA.sections)]).toEqual([
      ['VIP', TIER_COLOURS[0]],
      ['R', TIER_COLOURS[1]],
      ['S', TIER_COLOURS[2]],
    ]);
  });

  test('the section labels are white on the tier colours at 4.5:1 at least', () => {
    for (const colour of tierColours(ARENA.sections).values()) expect(contrastRatio(colour, '#ffffff')).toBeGreaterThanOrEqual(4.5);
  });

  test('the totals per tier add up to the venue', () => {
    const totals = tierTotals(ARENA.sections);
    expect(totals.map((x) => [x.tier, x.sections])).toEqual([['VIP', 2], ['R', 10], ['S', 11]]);
    expect(totals.find((x) => x.tier === 'VIP')!.places).toBe(3_000);
    expect(totals.reduce((n, x) => n + x.places, 0)).toBe(14_896);
  });

  test('more tiers than colours reuse them in turn', () => {
    const many = Array.from({ length: TIER_COLOURS.length + 1 }, (_, i) => ({ ...FLOOR, id: `s${i}`, tier: `T${i}` }));
    expect(tierColours(many).get(`T${TIER_COLOURS.length}`)).toBe(TIER_COLOURS[0]);
  });
});

describe('labels', () => {
  test('a label fits its box: by width for long text, by height for a flat box, and never above the cap', () => {
    expect(labelSize({ x: 0, y: 0, width: 20, height: 22 }, '101', 6)).toBe(6);
    expect(labelSize({ x: 0, y: 0, width: 20, height: 22 }, '101', 100)).toBeCloseTo((20 * 0.85) / (0.62 * 3));
    expect(labelSize({ x: 0, y: 0, width: 40, height: 2 }, 'A', 6)).toBeCloseTo(1.2);
    expect(labelSize({ x: 0, y: 0, width: 0, height: 0 }, 'A', 6)).toBe(0.5);
  });
});

describe('a layout file read for its preview', () => {
  test('the arena reads as a layout', () => {
    const got = readLayout(ARENA_TEXT);
    expect('layout' in got && got.layout.venueId).toBe('kspo-dome-like');
  });

  test('empty, not JSON, too large', () => {
    expect(readLayout('  ')).toEqual({ problem: { kind: 'empty' } });
    expect(readLayout('{"venueId":')).toMatchObject({ problem: { kind: 'not-json' } });
    const big = JSON.stringify({ ...HALL, name: 'x'.repeat(LAYOUT_MAX_BYTES) });
    expect(readLayout(big)).toMatchObject({ problem: { kind: 'too-large' } });
    // Bytes, not characters: Korean is 3 bytes a character in UTF-8.
    const korean = JSON.stringify({ ...HALL, name: '가'.repeat(LAYOUT_MAX_BYTES / 3 + 10) });
    expect(readLayout(korean)).toMatchObject({ problem: { kind: 'too-large' } });
  });

  test('names the first part that is not of a layout', () => {
    const what = (v: unknown) => {
      const got = readLayout(JSON.stringify(v));
      return 'problem' in got && got.problem.kind === 'not-layout' ? got.problem.what : null;
    };
    expect(what([1])).toBe('(the file is not a JSON object)');
    expect(what({ ...HALL, venueId: 7 })).toBe('venueId');
    expect(what({ ...HALL, stage: { x: 0, y: 0, width: 'wide', height: 1 } })).toBe('stage.width');
    expect(what({ ...HALL, sections: [] })).toBe('sections');
    expect(what({ ...HALL, sections: [{ ...FLOOR, name: { ko: 'A구역' } }] })).toBe('sections[0].name.en');
    expect(what({ ...HALL, sections: [{ ...FLOOR, standing: STANDING.standing }] })).toBe('sections[0] (rows or standing)');
    expect(what({ ...HALL, sections: [{ id: 'S', name: { en: 'S' }, tier: 'R' }] })).toBe('sections[0] (rows or standing)');
    expect(what({ ...HALL, sections: [{ ...STANDING, standing: { x: 0, y: 0, width: 1, height: 1 } }] })).toBe('sections[0].standing.capacity');
    expect(what({ ...HALL, sections: [{ ...FLOOR, rows: [{ row: '1', seats: 2.5, x: 0, y: 0 }] }] })).toBe('sections[0].rows[0].seats');
    expect(what({ ...HALL, sections: [{ ...FLOOR, rows: [{ row: '1', seats: 2, x: 0, y: 0, step: [1] }] }] })).toBe('sections[0].rows[0].step');
    expect(what({ ...HALL, sections: [{ ...FLOOR, rows: [{ row: '1', seats: 10_000_000, x: 0, y: 0 }] }] })).toBe('sections[0].rows[0].seats');
    expect(what(HALL)).toBeNull();
  });

  test("rules that need the whole layout are left to the API (it names what is wrong)", () => {
    const overlapping = { ...HALL, sections: [FLOOR, { ...FLOOR, id: 'B' }] };
    expect('layout' in readLayout(JSON.stringify(overlapping))).toBe(true);
  });
});
