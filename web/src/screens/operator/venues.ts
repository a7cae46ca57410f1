// Operator: venues (docs/venues.md). The list (name, sections, seats and places); a new one
// from its layout file, picked (read in the browser) or pasted, previewed as a map before it
// is sent; and a venue's map, whole or zoomed into one section (ui/venue-map.ts). A venue's
// layout never changes once made, so one read is kept for the rest of the visit.

import type { App, ScreenFactory } from '../../app';
import { ApiProblem } from '../../api/client';
import type { Venue, VenueLayout, VenueSection } from '../../api/types';
import { LAYOUT_MAX_BYTES, layoutPlaces, readLayout, sectionName, type LayoutProblem } from '../../domain/venue-map';
import { lang } from '../../i18n/lang';
import { t } from '../../i18n/messages';
import { fill, h, setText } from '../../ui/dom';
import { facts, loadingText, whileBusy } from '../../ui/widgets';
import { rowsTable, sectionMap, sectionsTable, tierLegend, venueMap } from '../../ui/venue-map';

const enc = encodeURIComponent;
const count = (n: number) => n.toLocaleString('en-US');
const venuePath = (venueId: string) => `/operator/venues/${enc(venueId)}`;
const sectionPath = (venueId: string, section: VenueSection) => `${venuePath(venueId)}/sections/${enc(section.id)}`;

/** Venues as read (or made) in this visit: a layout is fixed once made. */
const known = new Map<string, Venue>();

function loadVenue(app: App, venueId: string): Promise<Venue> {
  const had = known.get(venueId);
  if (had) return Promise.resolve(had);
  return app.operator.venue(venueId).then((v) => (known.set(venueId, v), v));
}

export const venuesScreen: ScreenFactory = (app) => {
  const body = h('div', {}, loadingText());
  const node = h(
    'section',
    {},
    h('h1', { tabindex: -1 }, t('venuesTitle')),
    h('div', { class: 'actions' }, h('a', { class: 'button primary', href: '#/operator/new-venue', 'data-testid': 'add-venue' }, t('venueAdd'))),
    body,
  );
  void app.operator.venues().then(
    (venues) =>
      fill(
        body,
        venues.length === 0
          ? h('p', { class: 'muted' }, t('venuesNone'))
          : h(
              'div',
              { class: 'table-scroll' },
              h(
                'table',
                { 'data-testid': 'venue-list' },
                h('caption', { class: 'visually-hidden' }, t('venuesTitle')),
                h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('venueColVenue')), h('th', { scope: 'col', class: 'num' }, t('venueColSections')),
                  h('th', { scope: 'col', class: 'num' }, t('venueColPlaces')))),
                h(
                  'tbody',
                  {},
                  venues.map((v) =>
                    h(
                      'tr',
                      { 'data-venue': v.venueId },
                      h('th', { scope: 'row' }, h('a', { href: `#${venuePath(v.venueId)}` }, v.name), h('br'), h('code', { class: 'muted' }, v.venueId)),
                      h('td', { class: 'num' }, count(v.sections)),
                      h('td', { class: 'num' }, count(v.places)),
                    ),
                  ),
                ),
              ),
            ),
      ),
    (e) => fill(body, h('p', { class: 'error', role: 'alert' }, app.explain(e))),
  );
  return { title: t('venuesTitle'), node };
};

function problemText(p: LayoutProblem): string {
  switch (p.kind) {
    case 'empty':
      return t('layoutEmpty');
    case 'too-large':
      return t('layoutTooLarge', { size: count(Math.ceil(p.bytes / 1024)) });
    case 'not-json':
      return t('layoutNotJson', { message: p.message });
    case 'not-layout':
      return t('layoutNotLayout', { what: p.what });
  }
}

/** A new venue: its layout picked or pasted, previewed, then sent. */
export const newVenueScreen: ScreenFactory = (app, _params, scope) => {
  const file = h('input', { type: 'file', id: 'layout-file', name: 'layout-file', accept: '.json,application/json', 'data-testid': 'layout-file' });
  const text = h('textarea', {
    id: 'layout-json',
    name: 'layout-json',
    rows: 8,
    spellcheck: false,
    autocomplete: 'off',
    class: 'layout-json',
    'aria-describedby': 'layout-problem',
    'data-testid': 'layout-json',
  });
  const problem = h('p', { class: 'error', id: 'layout-problem', 'data-testid': 'layout-problem', hidden: true });
  const preview = h('div', { class: 'venue-preview', 'data-testid': 'venue-preview' }, h('p', { class: 'muted' }, t('venuePreviewNone')));
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'create-venue' }, t('venueCreate'));
  let layout: VenueLayout | null = null;

  // Drawn again on every change (after a pause while typing); the problem said once it is settled.
  const read = () => {
    const got = readLayout(text.value);
    layout = 'layout' in got ? got.layout : null;
    const why = 'problem' in got && got.problem.kind !== 'empty' ? problemText(got.problem) : '';
    setText(problem, why);
    problem.hidden = why === '';
    text.setAttribute('aria-invalid', String(why !== ''));
    if (!layout) return fill(preview, h('p', { class: 'muted' }, t('venuePreviewNone')));
    fill(
      preview,
      facts([
        [t('venueId'), h('code', {}, layout.venueId)],
        [t('venueColVenue'), layout.name],
        [t('venueColSections'), count(layout.sections.length)],
        [t('venueColPlaces'), count(layoutPlaces(layout))],
      ]),
      tierLegend(layout),
      h('figure', { class: 'venue-figure' }, venueMap(layout)),
      h('details', { class: 'statement-details' }, h('summary', {}, t('venueSectionsTable')), sectionsTable(layout)),
    );
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  scope.onDispose(() => clearTimeout(timer));
  text.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(read, 250);
  });
  file.addEventListener('change', () => {
    const picked = file.files?.[0];
    if (!picked) return;
    if (picked.size > LAYOUT_MAX_BYTES) {
      text.value = '';
      read();
      setText(problem, t('layoutTooLarge', { size: count(Math.ceil(picked.size / 1024)) }));
      problem.hidden = false;
      return;
    }
    picked.text().then(
      (content) => {
        if (!scope.alive) return;
        text.value = content;
        read();
      },
      () => app.say(() => t('venueFileUnreadable'), 'error'),
    );
  });

  const form = h(
    'form',
    { class: 'card venue-form', novalidate: true },
    h('p', {}, t('venueAddIntro')),
    h('div', { class: 'field' }, h('label', { for: 'layout-file' }, t('venueFile')), file),
    h('div', { class: 'field' }, h('label', { for: 'layout-json' }, t('venuePaste')), text, problem),
    h('h2', {}, t('venuePreview')),
    preview,
    h('div', { class: 'actions' }, submit, h('a', { class: 'button', href: '#/operator/venues' }, t('opCancel'))),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearTimeout(timer);
    read();
    if (!layout) {
      const got = readLayout(text.value);
      const why = 'problem' in got ? problemText(got.problem) : '';
      text.focus();
      return app.say(() => why, 'error');
    }
    const sending = layout;
    void whileBusy(submit, t('loading'), async () => {
      try {
        const venue = await app.operator.createVenue(sending);
        known.set(venue.venueId, venue);
        app.carry(() => t('venueCreated'));
        app.go(venuePath(venue.venueId));
      } catch (err) {
        // The API's own detail names the rule the layout broke (INVALID_REQUEST).
        const detail = err instanceof ApiProblem && err.detail ? ` (${err.detail})` : '';
        app.say(() => app.explain(err) + detail, 'error');
      }
    });
  });
  return { title: t('venueAddTitle'), node: h('section', {}, h('h1', { tabindex: -1 }, t('venueAddTitle')), form) };
};

/** A venue's map: the stage and its sections, each leading to its seats. */
export const venueScreen: ScreenFactory = (app, { venueId }) => {
  const heading = h('h1', { tabindex: -1 }, t('venueMapLabel', { name: venueId }));
  const body = h('div', {}, loadingText());
  void loadVenue(app, venueId).then(
    (venue) => {
      setText(heading, venue.name);
      const href = (s: VenueSection) => `#${sectionPath(venue.venueId, s)}`;
      fill(
        body,
        facts([
          [t('venueId'), h('code', {}, venue.venueId)],
          [t('venueColSections'), count(venue.sections.length)],
          [t('venueColPlaces'), h('span', { 'data-testid': 'venue-places' }, count(venue.places))],
        ]),
        tierLegend(venue),
        h('p', { class: 'muted', id: 'map-hint' }, t('venueMapHint')),
        h('figure', { class: 'venue-figure' }, venueMap(venue, { href })),
        h('h2', {}, t('venueSectionsTable')),
        sectionsTable(venue, href),
      );
    },
    (e) => fill(body, h('p', { class: 'error', role: 'alert' }, app.explain(e))),
  );
  return {
    title: t('venuesTitle'),
    node: h('section', { class: 'venue-screen' }, h('p', {}, h('a', { href: '#/operator/venues' }, t('venueAllVenues'))), heading, body),
  };
};

/** One section zoomed in: its seats, and its rows in words. */
export const venueSectionScreen: ScreenFactory = (app, { venueId, sectionId }) => {
  const heading = h('h1', { tabindex: -1 }, sectionId);
  const body = h('div', {}, loadingText());
  void loadVenue(app, venueId).then(
    (venue) => {
      const section = venue.sections.find((s) => s.id === sectionId);
      if (!section) return fill(body, h('p', { class: 'error', role: 'alert' }, t('venueNoSection', { id: sectionId })));
      const name = sectionName(section, lang());
      setText(heading, t('venueSectionTitle', { venue: venue.name, section: name }));
      fill(
        body,
        facts([
          [t('venueColTier'), section.tier],
          [t('venueColKind'), t(section.standing ? 'venueStanding' : 'venueSeated')],
          [t('venueColCount'), count(section.standing ? section.standing.capacity : section.rows!.reduce((n, r) => n + r.seats, 0))],
        ]),
        h('figure', { class: 'venue-figure' }, sectionMap(venue, section)),
        section.standing ? h('p', {}, t('venueStandingNote', { n: count(section.standing.capacity) })) : h('h2', {}, t('venueRows')),
        section.standing ? null : rowsTable(section),
      );
    },
    (e) => fill(body, h('p', { class: 'error', role: 'alert' }, app.explain(e))),
  );
  return {
    title: t('venuesTitle'),
    node: h(
      'section',
      { class: 'venue-screen' },
      h('p', {}, h('a', { href: `#${venuePath(venueId)}`, 'data-testid': 'whole-venue' }, t('venueWhole'))),
      heading,
      body,
    ),
  };
};
