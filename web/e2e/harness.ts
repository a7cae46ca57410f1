// What the browser tests share: Debian's Chromium driven by playwright-core (never a
// downloaded browser), a fresh profile per context, signing in through the app's own
// screen, and screenshots into docs/screenshots/.

import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const SERVICE_URL = need('SERVICE_URL');
export const SCREENSHOTS = resolve(process.env.SCREENSHOT_DIR ?? '../docs/screenshots');
export const DEMO_CONCERT = 'aurora-live-2026';
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

export function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the browser tests through scripts/web-test.sh`);
  return v.replace(/\/$/, '');
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    // This machine's network is closed: no background calls home, no QUIC.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A new browser context (its own fresh profile: storage, cookies) on a page of the app. */
export async function openApp(browser: Browser, base = SERVICE_URL, viewport = PHONE): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale: 'ko-KR', timezoneId: 'Asia/Seoul' });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  const errors: string[] = [];
  CONSOLE_ERRORS.set(page, errors);
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`${base}/`);
  return { context, page };
}

const CONSOLE_ERRORS = new WeakMap<Page, string[]>();

/** What the page has written to the console as errors so far (an invalid `pattern`, a failed script). */
export function consoleErrors(page: Page): string[] {
  return CONSOLE_ERRORS.get(page) ?? [];
}

/** Sign in with the local stack's dev login, through the sign-in screen. */
export async function signIn(page: Page, role: 'fan' | 'operator' | 'staff'): Promise<void> {
  await page.getByTestId(`sign-in-${role}`).click();
  await page.waitForURL({ fan: /#\/$/, operator: /#\/operator$/, staff: /#\/gate$/ }[role]);
}

/** From the concerts list: join the line of `concertId` and wait to be admitted to its dates. */
export async function joinAndGetAdmitted(page: Page, concertId: string, timeout = 30_000): Promise<void> {
  await page.locator(`[data-concert="${concertId}"] [data-testid="join-line"]`).click();
  await page.waitForURL(new RegExp(`#/concerts/${concertId}$`), { timeout });
  await page.locator('[data-date]').first().waitFor();
}

/** Open the first date's seat map and wait for its seats. */
export async function openFirstDate(page: Page): Promise<string> {
  const date = (await page.locator('[data-date]').first().getAttribute('data-date'))!;
  await page.locator(`[data-date="${date}"] a`).click();
  await page.locator('.seat-grid [data-seat]').first().waitFor();
  return date;
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true, animations: 'disabled' });
}

/** A seat that is free on this page's map, picked at random so runs do not collide. */
export async function aFreeSeat(page: Page): Promise<number> {
  const free = await page.locator('.seat-grid [data-state="free"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seat'))));
  if (free.length === 0) throw new Error('no free seat left on this date');
  return free[Math.floor(Math.random() * free.length)];
}

export const seat = (page: Page, n: number) => page.locator(`.seat-grid [data-seat="${n}"]`);

/** Whether the element is drawn wholly inside the viewport as it is scrolled now. */
export function inViewport(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
  });
}

/** The seat's price, read from its accessible name. */
export async function priceOf(page: Page, n: number): Promise<number> {
  const label = (await seat(page, n).getAttribute('aria-label')) ?? '';
  return Number(/₩([\d,]+)/.exec(label)![1].replace(/,/g, ''));
}

/** Press Tab until the focused element matches `selector` (at most `max` presses). */
export async function tabTo(page: Page, selector: string, max = 120): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** On a seat map: hold a free seat and pay for it in one step from the selection bar; the seat and its price. */
export async function holdAndPay(page: Page): Promise<{ n: number; price: number }> {
  const n = await aFreeSeat(page);
  const price = await priceOf(page, n);
  await seat(page, n).click();
  await page.locator(`.hold[data-seat="${n}"][data-state="held"]`).waitFor();
  await page.getByTestId('pay').click();
  await page.waitForURL(/#\/receipt\//);
  await page.getByTestId('amount-paid').waitFor();
  return { n, price };
}

/** The local stack's dev login, straight to the API: a JWT (an operator's with `operator`). */
export async function devToken(operator: boolean): Promise<string> {
  const resp = await fetch(`${SERVICE_URL}/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(operator ? { role: 'operator' } : {}),
  });
  if (!resp.ok) throw new Error(`dev login: ${resp.status}`);
  return ((await resp.json()) as { token: string }).token;
}

/** An operator's call to the API (JSON in and out); throws on a failure. */
export async function operatorCall(token: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const resp = await fetch(`${SERVICE_URL}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await resp.text();
  if (!resp.ok) throw new Error(`${method} ${path}: ${resp.status} ${text}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}
