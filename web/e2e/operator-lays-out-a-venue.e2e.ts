// (j) An operator lays out a venue from docs/venues/arena.json (picked as a file, read in the
// browser, previewed as a map), sees it in the list, opens its map (sections only, each a
// link named for screen readers), zooms into a section with the keyboard (its 440 seats
// drawn), and a standing one with the mouse; the same layout under another name is refused
// (409 VENUE_EXISTS) and a broken one named (400); on a 390 px phone the map fits the screen.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { VenueLayout } from '../src/api/types';
import { t } from '../src/i18n/messages';
import { problemMessage } from '../src/i18n/problems';
import { DESKTOP, PHONE, consoleErrors, launch, openApp, shot, signIn } from './harness';
import { expectAccessible } from './axe';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const ARENA = JSON.parse(readFileSync(new URL('../../docs/venues/arena.json', import.meta.url), 'utf8')) as VenueLayout;
const go = (page: Page, path: string) => page.evaluate((p) => (location.hash = `#${p}`), path);

test('an operator lays out an arena from its file, sees its map, and zooms into a section', async () => {
  // A fresh id each run: a layout is fixed once made, and the stack may have earlier runs' venues.
  const venueId = `e2e-arena-${Date.now().toString(36)}`;
  const layout: VenueLayout = { ...ARENA, venueId };
  const { page: op } = await openApp(browser, undefined, DESKTOP);
  await signIn(op, 'operator');

  // From the operator's concerts to the venues, and the form for a new one.
  await op.getByTestId('op-venues').click();
  await op.waitForURL(/#\/operator\/venues$/);
  await op.getByTestId('add-venue').click();
  await op.waitForURL(/#\/operator\/new-venue$/);
  await op.getByTestId('layout-file').setInputFiles({ name: 'arena.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(layout, null, 1)) });
  // Read in the browser: the text shown, and the preview drawn (a picture: no links yet).
  const preview = op.getByTestId('venue-preview');
  await expect.poll(() => preview.locator('svg [data-section]').count()).toBe(23);
  expect(await op.getByTestId('layout-json').inputValue()).toContain(venueId);
  expect(await preview.locator('svg').getAttribute('role')).toBe('img');
  expect(await preview.locator('svg').getAttribute('aria-label')).toBe(
    t('venuePreviewLabel', { name: ARENA.name, sections: 23, places: '14,896' }, 'ko'),
  );
  expect(await preview.locator('a').count()).toBe(0);
  await shot(op, '35-operator-new-venue');
  await expectAccessible(op, '35-operator-new-venue');

  await op.getByTestId('create-venue').click();
  await op.waitForURL(new RegExp(`#/operator/venues/${venueId}$`));
  await expect.poll(() => op.getByTestId('notice').textContent()).toBe(t('venueCreated', {}, 'ko'));
  const map = op.getByTestId('venue-map');
  await expect.poll(() => map.locator('a.map-section').count()).toBe(23);
  expect(await op.getByTestId('venue-places').textContent()).toBe('14,896');
  // Sections only at the whole venue's level: no seat is drawn.
  expect(await map.locator('.map-seats rect').count()).toBe(0);
  const s101 = map.locator('a.map-section[data-section="101"]');
  expect(await s101.getAttribute('aria-label')).toBe(t('venueSectionLabel', { name: '101 구역', tier: 'R', n: '440' }, 'ko'));
  expect(await map.locator('a.map-section[data-section="F1"]').getAttribute('aria-label')).toBe(
    t('venueStandingLabel', { name: '스탠딩 F1 구역', tier: 'VIP', n: '1,500' }, 'ko'),
  );
  // The tiers in words, and the sections as a table (the map's text alternative).
  expect(await op.getByTestId('tier-legend').locator('li').count()).toBe(3);
  expect(await op.getByTestId('venue-sections').locator('tbody tr').count()).toBe(23);
  // The map is scaled to the page: its viewBox is the layout's bounds, its width the page's.
  expect(await map.getAttribute('viewBox')).toBe('-99 -2 198 121');
  await shot(op, '33-operator-venue-map');
  await expectAccessible(op, '33-operator-venue-map');

  // In the list of venues.
  await op.getByTestId('nav-venues').click();
  await op.waitForURL(/#\/operator\/venues$/);
  const row = op.locator(`[data-venue="${venueId}"]`);
  await row.waitFor();
  expect(await row.locator('td').allTextContents()).toEqual(['23', '14,896']);
  await row.getByRole('link', { name: ARENA.name }).click();
  await op.waitForURL(new RegExp(`#/operator/venues/${venueId}$`));

  // Zoomed into section 101 with the keyboard: each of its seats a small square.
  await s101.focus();
  await op.keyboard.press('Enter');
  await op.waitForURL(new RegExp(`#/operator/venues/${venueId}/sections/101$`));
  const zoomed = op.getByTestId('section-map');
  await expect.poll(() => zoomed.locator('.map-seats rect').count()).toBe(440);
  expect(await op.getByTestId('section-rows').locator('tbody tr').count()).toBe(20);
  expect(await zoomed.getAttribute('aria-label')).toBe(t('venueSectionMapLabel', { section: '101구역', rows: 20, n: '440' }, 'ko'));
  await shot(op, '34-venue-section-zoom');
  await expectAccessible(op, '34-venue-section-zoom');

  // Back, and into a standing section with the mouse.
  await op.getByTestId('whole-venue').click();
  await op.waitForURL(new RegExp(`#/operator/venues/${venueId}$`));
  await map.locator('a.map-section[data-section="F2"]').click();
  await op.waitForURL(new RegExp(`#/operator/venues/${venueId}/sections/F2$`));
  await expect.poll(() => op.locator('.venue-screen').textContent()).toContain(t('venueStandingNote', { n: '1,500' }, 'ko'));
  expect(await op.getByTestId('section-map').locator('.map-seats rect').count()).toBe(0);
  expect(consoleErrors(op)).toEqual([]);

  // On a phone: the same map fits 390 px, sections are still targets, a section zooms in.
  const { page: phone } = await openApp(browser, undefined, PHONE);
  await signIn(phone, 'operator');
  await go(phone, `/operator/venues/${venueId}`);
  const phoneMap = phone.getByTestId('venue-map');
  await expect.poll(() => phoneMap.locator('a.map-section').count()).toBe(23);
  const box = (await phoneMap.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  const section = (await phoneMap.locator('a.map-section[data-section="205"]').boundingBox())!;
  expect(Math.min(section.width, section.height)).toBeGreaterThanOrEqual(24);
  await shot(phone, '36-venue-map-phone');
  await expectAccessible(phone, '36-venue-map-phone');
  await phoneMap.locator('a.map-section[data-section="205"]').click();
  await phone.waitForURL(new RegExp(`#/operator/venues/${venueId}/sections/205$`));
  await expect.poll(() => phone.getByTestId('section-map').locator('.map-seats rect').count()).toBe(27 * 24);
  const zoomBox = (await phone.getByTestId('section-map').boundingBox())!;
  expect(zoomBox.x + zoomBox.width).toBeLessThanOrEqual(PHONE.width);
  await expectAccessible(phone, '34-venue-section-zoom (phone)');

  // Another layout under the taken id: refused, in the app's words; a broken one: named.
  await go(phone, '/operator/new-venue');
  const json = phone.getByTestId('layout-json');
  await json.fill(JSON.stringify({ ...layout, name: 'Another arena' }));
  await expect.poll(() => phone.getByTestId('venue-preview').locator('svg [data-section]').count()).toBe(23);
  await phone.getByTestId('create-venue').click();
  await expect.poll(() => phone.getByTestId('alert').textContent()).toContain(problemMessage('VENUE_EXISTS', 'ko'));
  expect(phone.url()).toMatch(/#\/operator\/new-venue$/);

  const onStage = { ...ARENA.sections[2], id: 'X1', rows: [{ row: '1', seats: 3, x: 0, y: 5 }] };
  await json.fill(JSON.stringify({ ...layout, venueId: `${venueId}-b`, sections: [...layout.sections, onStage] }));
  await expect.poll(() => phone.getByTestId('venue-preview').locator('svg [data-section]').count()).toBe(24);
  await phone.getByTestId('create-venue').click();
  await expect.poll(() => phone.getByTestId('alert').textContent()).toContain(problemMessage('INVALID_REQUEST', 'ko'));
  expect(await phone.getByTestId('alert').textContent()).toMatch(/\(.+\)$/); // the API's sentence naming what is wrong

  // Not JSON: said next to the field, nothing sent.
  await json.fill('{"venueId": ');
  await expect.poll(() => phone.getByTestId('layout-problem').isVisible()).toBe(true);
  expect(await json.getAttribute('aria-invalid')).toBe('true');
  expect(await phone.getByTestId('venue-preview').locator('svg').count()).toBe(0);
});
