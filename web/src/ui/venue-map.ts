// A venue's map as SVG (geometry: domain/venue-map.ts). The whole venue: the stage, and each
// section as the box of its seats (or its standing area) in its tier's colour, labelled with
// its id and tier; each section a link (its accessible name: name, tier, seats) to the
// section zoomed in, where each seat is a small square. Only one section's seats are ever
// drawn, never a whole stadium's. The viewBox is the layout's own bounds, so the map scales
// to the screen. Next to it, as words: the tiers' legend and a table of the sections.

import type { VenueLayout, VenueSection } from '../api/types';
import {
  isStanding,
  labelSize,
  layoutPlaces,
  runSeats,
  sectionBounds,
  sectionPlaces,
  sectionRows,
  sectionName,
  sectionTitle,
  tierColours,
  tierTotals,
  venueBounds,
  viewBox,
  type Box,
} from '../domain/venue-map';
import { lang } from '../i18n/lang';
import { t } from '../i18n/messages';
import { h, svg } from './dom';

const count = (n: number) => n.toLocaleString('en-US');

/** A section as read out: "Section 101, tier R, 440 seats" / "101구역, R 등급, 440석". */
export function sectionLabel(section: VenueSection): string {
  const vars = { name: sectionTitle(section, lang()), tier: section.tier, n: count(sectionPlaces(section)) };
  return t(isStanding(section) ? 'venueStandingLabel' : 'venueSectionLabel', vars);
}

function rect(box: Box, attrs: Record<string, string | number> = {}): SVGElement {
  return svg('rect', { x: box.x, y: box.y, width: box.width, height: box.height, ...attrs });
}

/** Text centred in `box`, at most `max` high. */
function centred(box: Box, text: string, max: number): SVGElement {
  const size = labelSize(box, text, max);
  return svg(
    'text',
    { x: round(box.x + box.width / 2), y: round(box.y + box.height / 2), 'font-size': round(size), 'text-anchor': 'middle', 'dominant-baseline': 'central' },
    text,
  );
}

const round = (n: number) => Math.round(n * 100) / 100;

function stage(layout: Pick<VenueLayout, 'stage'>, max: number): SVGElement {
  return svg('g', { class: 'map-stage' }, rect(layout.stage, { rx: 1 }), centred(layout.stage, t('venueStage'), max));
}

/**
 * The section's box, filled with its tier's colour, with its id; and below the id its tier,
 * where both fit. The tier is drawn over the section, not in it: a link's visible text is its
 * id alone, which its accessible name contains (WCAG 2.5.3).
 */
function sectionShape(section: VenueSection, colour: string, max: number): { shapes: SVGElement[]; tier: SVGElement | null } {
  const box = sectionBounds(section);
  const fillRect = rect(box, { fill: colour, rx: 0.5, class: isStanding(section) ? 'standing' : 'seated' });
  const idSize = labelSize(box, section.id, max);
  const tierSize = Math.min(labelSize(box, section.tier, max), idSize * 0.6);
  if (box.height < (idSize + tierSize) * 1.3) return { shapes: [fillRect, centred(box, section.id, max)], tier: null };
  const text = (value: string, size: number, dy: number) =>
    svg('text', { x: round(box.x + box.width / 2), y: round(box.y + box.height / 2 + dy), 'font-size': round(size), 'text-anchor': 'middle', 'dominant-baseline': 'central' }, value);
  return { shapes: [fillRect, text(section.id, idSize, -tierSize * 0.6)], tier: text(section.tier, tierSize, idSize * 0.6) };
}

export interface VenueMapOptions {
  /** Where a section leads (zoomed in); none: a picture only (the preview of a layout not yet made). */
  href?: (section: VenueSection) => string;
}

/** The whole venue: the stage and each section's box, no seats. */
export function venueMap(layout: VenueLayout, options: VenueMapOptions = {}): SVGElement {
  const bounds = venueBounds(layout);
  const max = Math.max(bounds.width, bounds.height) / 25;
  const colours = tierColours(layout.sections);
  const interactive = options.href !== undefined;
  const label = interactive
    ? t('venueMapLabel', { name: layout.name })
    : t('venuePreviewLabel', { name: layout.name, sections: layout.sections.length, places: count(layoutPlaces(layout)) });
  const map = svg('svg', {
    class: 'venue-map',
    viewBox: viewBox(bounds),
    role: interactive ? 'group' : 'img',
    'aria-label': label,
    'data-testid': 'venue-map',
  });
  map.append(stage(layout, max));
  const tiers = svg('g', { class: 'map-tiers', 'aria-hidden': 'true' });
  for (const section of layout.sections) {
    const { shapes, tier } = sectionShape(section, colours.get(section.tier)!, max);
    if (tier) tiers.append(tier);
    const el = options.href
      ? svg('a', { href: options.href(section), class: 'map-section', 'aria-label': sectionLabel(section), 'data-section': section.id }, ...shapes)
      : svg('g', { class: 'map-section', 'data-section': section.id }, ...shapes);
    for (const s of shapes) if (s.tagName === 'text') s.setAttribute('aria-hidden', 'true');
    map.append(el);
  }
  map.append(tiers);
  return map;
}

/**
 * One section zoomed in: each seat a small square in its tier's colour (one <rect> a seat:
 * a section has a few thousand at most), its rows labelled; the rest of the venue as outlines
 * around it. A standing section is its area, with its capacity.
 */
export function sectionMap(venue: VenueLayout, section: VenueSection): SVGElement {
  const box = sectionBounds(section);
  const colour = tierColours(venue.sections).get(section.tier)!;
  const name = sectionName(section, lang());
  const rows = sectionRows(section);
  const label = isStanding(section)
    ? t('venueStandingMapLabel', { section: name, n: count(sectionPlaces(section)) })
    : t('venueSectionMapLabel', { section: name, rows: rows.length, n: count(sectionPlaces(section)) });
  const map = svg('svg', { class: 'venue-map zoomed', viewBox: viewBox(box, 2.5), role: 'img', 'aria-label': label, 'data-testid': 'section-map' });
  // The venue around it, for bearings: the stage, and the other sections' outlines.
  const context = svg('g', { class: 'map-context' });
  for (const other of venue.sections) if (other !== section) context.append(rect(sectionBounds(other), { rx: 0.5 }));
  map.append(context, stage(venue, Math.max(box.width, box.height) / 6));
  if (section.standing) {
    map.append(svg('g', { class: 'map-section' }, rect(box, { fill: colour, rx: 0.5 }), centred(box, `${t('venueStanding')} ${count(section.standing.capacity)}`, box.height / 5)));
    return map;
  }
  const seats = svg('g', { class: 'map-seats', fill: colour });
  const labels = svg('g', { class: 'map-rows' });
  const labelled = new Set<string>();
  for (const run of section.rows ?? []) {
    const points = runSeats(run);
    for (const p of points) seats.append(svg('rect', { x: p.x + 0.1, y: p.y + 0.1, width: 0.8, height: 0.8, rx: 0.15 }));
    if (labelled.has(run.row)) continue;
    labelled.add(run.row);
    // The row's label just before its first seat, on the run's line.
    const [dx, dy] = run.step ?? [1, 0];
    const ux = Math.sign(dx);
    const uy = Math.sign(dy);
    labels.append(
      svg('text', { x: run.x + 0.5 - ux, y: run.y + 0.5 - uy, 'font-size': run.row.length > 2 ? 0.45 : 0.6, 'text-anchor': 'middle', 'dominant-baseline': 'central' }, run.row),
    );
  }
  map.append(seats, labels);
  return map;
}

function swatch(colour: string): HTMLElement {
  const el = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  el.style.setProperty('--tier', colour);
  return el;
}

/** The tiers as words next to their colours. */
export function tierLegend(layout: VenueLayout): HTMLElement {
  return h(
    'ul',
    { class: 'legend', 'aria-label': t('venueTiers'), 'data-testid': 'tier-legend' },
    tierTotals(layout.sections).map((tier) =>
      h(
        'li',
        { 'data-tier': tier.tier },
        swatch(tier.colour),
        t('venueTierLegend', { tier: tier.tier, sections: tier.sections, places: count(tier.places) }),
      ),
    ),
  );
}

/** The sections as a table: the map in words (each id a link to it zoomed in, when given). */
export function sectionsTable(layout: VenueLayout, href?: (section: VenueSection) => string): HTMLElement {
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'venue-sections', 'data-testid': 'venue-sections' },
      h('caption', { class: 'visually-hidden' }, t('venueSectionsTable')),
      h(
        'thead',
        {},
        h('tr', {}, h('th', { scope: 'col' }, t('venueColSection')), h('th', { scope: 'col' }, t('venueColName')), h('th', { scope: 'col' }, t('venueColTier')),
          h('th', { scope: 'col' }, t('venueColKind')), h('th', { scope: 'col', class: 'num' }, t('venueColCount'))),
      ),
      h(
        'tbody',
        {},
        layout.sections.map((s) =>
          h(
            'tr',
            { 'data-section': s.id },
            h('th', { scope: 'row' }, href ? h('a', { href: href(s) }, s.id) : s.id),
            h('td', {}, sectionName(s, lang())),
            h('td', {}, s.tier),
            h('td', {}, t(isStanding(s) ? 'venueStanding' : 'venueSeated')),
            h('td', { class: 'num' }, count(sectionPlaces(s))),
          ),
        ),
      ),
    ),
  );
}

/** A seated section's rows as a table: each row's seats and their numbers. */
export function rowsTable(section: VenueSection): HTMLElement {
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { 'data-testid': 'section-rows' },
      h('caption', { class: 'visually-hidden' }, t('venueRows')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('venueColRow')), h('th', { scope: 'col', class: 'num' }, t('venueColSeats')), h('th', { scope: 'col' }, t('venueColNumbers')))),
      h(
        'tbody',
        {},
        sectionRows(section).map((r) => h('tr', {}, h('th', { scope: 'row' }, r.row), h('td', { class: 'num' }, count(r.seats)), h('td', {}, `${r.from}–${r.to}`))),
      ),
    ),
  );
}
