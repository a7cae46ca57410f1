// A venue's map (docs/venues.md) as geometry: where each seat of a run is, the box a section
// covers (its seats, or its standing area), the box of the whole venue and the SVG viewBox
// that shows it, each tier's colour, how many seats or places a section has, and a layout
// file read before it is sent. Pure: no DOM, no API.
//
// The map is in seat widths: a seat fills the unit square at its point, x grows to the
// right, y away from the stage's side (down the page).

import type { MapArea, VenueLayout, VenueRun, VenueSection } from '../api/types';
import type { Lang } from '../i18n/lang';
import { TIER_COLOURS } from './seat-map';

export type Box = MapArea;

/** One seat of a run: its label (row and number) and its point. */
export interface SeatPoint {
  row: string;
  number: number;
  x: number;
  y: number;
}

/** The largest layout file the API takes (1 MiB). */
export const LAYOUT_MAX_BYTES = 1024 * 1024;

const stepOf = (run: VenueRun): [number, number] => run.step ?? [1, 0];
const firstOf = (run: VenueRun): number => run.first ?? 1;

/** The seats of one run, in order: seat i at (x + i*dx, y + i*dy), numbered first + i. */
export function runSeats(run: VenueRun): SeatPoint[] {
  const [dx, dy] = stepOf(run);
  const first = firstOf(run);
  return Array.from({ length: run.seats }, (_, i) => ({ row: run.row, number: first + i, x: run.x + i * dx, y: run.y + i * dy }));
}

/** Every seat of a section (none for a standing one). */
export function sectionSeats(section: VenueSection): SeatPoint[] {
  return (section.rows ?? []).flatMap(runSeats);
}

/** Its seats, or its standing places. */
export function sectionPlaces(section: VenueSection): number {
  if (section.standing) return section.standing.capacity;
  return (section.rows ?? []).reduce((n, run) => n + run.seats, 0);
}

export function isStanding(section: VenueSection): boolean {
  return section.standing !== undefined;
}

/** The smallest box holding both. */
export function union(a: Box, b: Box): Box {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

/**
 * The box a run's seats fill. A run is straight, so its first and last seats bound it: no
 * need to walk a 500-seat run.
 */
export function runBounds(run: VenueRun): Box {
  const [dx, dy] = stepOf(run);
  const n = Math.max(run.seats - 1, 0);
  const [x0, x1] = [run.x, run.x + n * dx].sort((a, b) => a - b);
  const [y0, y1] = [run.y, run.y + n * dy].sort((a, b) => a - b);
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** The box of a section: its standing area, or the unit squares of all its seats. */
export function sectionBounds(section: VenueSection): Box {
  if (section.standing) {
    const { x, y, width, height } = section.standing;
    return { x, y, width, height };
  }
  const runs = section.rows ?? [];
  if (runs.length === 0) return { x: 0, y: 0, width: 0, height: 0 };
  return runs.map(runBounds).reduce(union);
}

/** The box of the whole venue: its stage and every section. */
export function venueBounds(layout: Pick<VenueLayout, 'stage' | 'sections'>): Box {
  return layout.sections.map(sectionBounds).reduce(union, { ...layout.stage });
}

/** The SVG viewBox attribute showing `box` with `margin` seat widths around it. */
export function viewBox(box: Box, margin = 2): string {
  return [box.x - margin, box.y - margin, box.width + 2 * margin, box.height + 2 * margin].join(' ');
}

/** The venue's tiers in the order they first appear, each with a colour of the seat map's. */
export function tierColours(sections: readonly VenueSection[]): Map<string, string> {
  const colours = new Map<string, string>();
  for (const s of sections) {
    if (!colours.has(s.tier)) colours.set(s.tier, TIER_COLOURS[colours.size % TIER_COLOURS.length]);
  }
  return colours;
}

/** Per tier (in order of first appearance): its sections and their seats and places. */
export function tierTotals(sections: readonly VenueSection[]): { tier: string; colour: string; sections: number; places: number }[] {
  const colours = tierColours(sections);
  return [...colours].map(([tier, colour]) => {
    const mine = sections.filter((s) => s.tier === tier);
    return { tier, colour, sections: mine.length, places: mine.reduce((n, s) => n + sectionPlaces(s), 0) };
  });
}

/** The section's name in `lang` (Korean falls back to English). */
export function sectionName(section: VenueSection, lang: Lang): string {
  return (lang === 'ko' ? section.name.ko : undefined) ?? section.name.en;
}

/**
 * The section's name as it is read out (its link's accessible name): the map shows its id, and
 * an accessible name must carry what is shown as a word of its own (WCAG 2.5.3, "label in
 * name"), for speech input ("click 101"). So "Section 101" stays; "101구역" is read "101 구역";
 * a name without the id is led by it: "N1, North lower".
 */
export function sectionTitle(section: VenueSection, lang: Lang): string {
  const name = sectionName(section, lang);
  const id = section.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (new RegExp(`(^|[\\s,(])${id}($|[\\s,)])`, 'i').test(name)) return name;
  // Glued to a word in another script ("101구역"): spaced out of it. Within a Latin word ("Area"): not the id.
  const glued = new RegExp(`(^|[^A-Za-z0-9])${id}($|[^A-Za-z0-9])`, 'i').exec(name);
  if (glued) {
    const at = glued.index + glued[1].length;
    return `${name.slice(0, at)} ${name.slice(at, at + section.id.length)} ${name.slice(at + section.id.length)}`.replace(/\s+/g, ' ').trim();
  }
  return `${section.id}, ${name}`;
}

/** The size of a label's text that fits in `box` (about 0.6 em a character), at most `max`. */
export function labelSize(box: Box, text: string, max: number): number {
  const byWidth = (box.width * 0.85) / (0.62 * Math.max(text.length, 1));
  return Math.max(Math.min(byWidth, box.height * 0.6, max), 0.5);
}

/** The rows of a seated section: one entry per row label, its seats in all and their numbers' range. */
export function sectionRows(section: VenueSection): { row: string; seats: number; from: number; to: number }[] {
  const rows = new Map<string, { row: string; seats: number; from: number; to: number }>();
  for (const run of section.rows ?? []) {
    const first = firstOf(run);
    const last = first + run.seats - 1;
    const r = rows.get(run.row);
    if (r) Object.assign(r, { seats: r.seats + run.seats, from: Math.min(r.from, first), to: Math.max(r.to, last) });
    else rows.set(run.row, { row: run.row, seats: run.seats, from: first, to: last });
  }
  return [...rows.values()];
}

/** Why a layout file cannot be previewed or sent (the API itself names a broken rule). */
export type LayoutProblem =
  | { kind: 'empty' }
  | { kind: 'too-large'; bytes: number }
  | { kind: 'not-json'; message: string }
  | { kind: 'not-layout'; what: string };

/**
 * A layout file's text read for its preview: JSON of the layout's shape (a venueId, a name,
 * a stage, sections each seated or standing with numbers where numbers go). The rules that
 * need the whole layout (overlaps, duplicates, limits) are the API's, which names what is
 * wrong; this only makes sure there is something to draw.
 */
export function readLayout(text: string): { layout: VenueLayout } | { problem: LayoutProblem } {
  if (text.trim() === '') return { problem: { kind: 'empty' } };
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > LAYOUT_MAX_BYTES) return { problem: { kind: 'too-large', bytes } };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { problem: { kind: 'not-json', message: e instanceof Error ? e.message : String(e) } };
  }
  const what = shapeProblem(value);
  return what ? { problem: { kind: 'not-layout', what } } : { layout: value as VenueLayout };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => Number.isInteger(v);

function areaProblem(v: unknown, where: string, extra: string[] = []): string | null {
  if (!isObject(v)) return where;
  const bad = ['x', 'y', 'width', 'height', ...extra].find((k) => !isInt(v[k]));
  return bad ? `${where}.${bad}` : null;
}

/** The first path in `value` that is not of a layout's shape, or null. */
function shapeProblem(value: unknown): string | null {
  if (!isObject(value)) return '(the file is not a JSON object)';
  if (typeof value.venueId !== 'string') return 'venueId';
  if (typeof value.name !== 'string') return 'name';
  const stage = areaProblem(value.stage, 'stage');
  if (stage) return stage;
  if (!Array.isArray(value.sections) || value.sections.length === 0) return 'sections';
  for (const [i, s] of value.sections.entries()) {
    const at = `sections[${i}]`;
    if (!isObject(s)) return at;
    if (typeof s.id !== 'string') return `${at}.id`;
    if (typeof s.tier !== 'string') return `${at}.tier`;
    if (!isObject(s.name) || typeof s.name.en !== 'string') return `${at}.name.en`;
    if ((s.rows === undefined) === (s.standing === undefined)) return `${at} (rows or standing)`;
    if (s.standing !== undefined) {
      const area = areaProblem(s.standing, `${at}.standing`, ['capacity']);
      if (area) return area;
      continue;
    }
    if (!Array.isArray(s.rows)) return `${at}.rows`;
    for (const [j, r] of s.rows.entries()) {
      const rat = `${at}.rows[${j}]`;
      if (!isObject(r)) return rat;
      if (typeof r.row !== 'string') return `${rat}.row`;
      const bad = ['seats', 'x', 'y'].find((k) => !isInt(r[k]));
      if (bad) return `${rat}.${bad}`;
      if (r.first !== undefined && !isInt(r.first)) return `${rat}.first`;
      if (r.step !== undefined && !(Array.isArray(r.step) && r.step.length === 2 && r.step.every(isInt))) return `${rat}.step`;
      // A preview draws every seat of a section zoomed in: keep a broken run from asking millions.
      if ((r.seats as number) < 0 || (r.seats as number) > 100_000) return `${rat}.seats`;
    }
  }
  return null;
}

/** A layout's seats and places in all. */
export function layoutPlaces(layout: Pick<VenueLayout, 'sections'>): number {
  return layout.sections.reduce((n, s) => n + sectionPlaces(s), 0);
}

