// Screens by `#` fragment (#/concerts/x/line): the app lives at one URL, so CloudFront and
// the local gateway only ever serve index.html and the API keeps every other path.

import type { App, Screen, ScreenFactory } from './app';
import { Scope } from './app';
import { signInScreen } from './screens/sign-in';
import { concertsScreen } from './screens/fan/concerts';
import { lineScreen } from './screens/fan/line';
import { datesScreen } from './screens/fan/dates';
import { seatsScreen } from './screens/fan/seats';
import { receiptScreen } from './screens/fan/receipt';
import { paymentsScreen } from './screens/fan/payments';
import { operatorConcertsScreen } from './screens/operator/concerts';
import { concertFormScreen, editConcertScreen } from './screens/operator/concert-form';
import { liveScreen } from './screens/operator/live';
import { newVenueScreen, venueScreen, venueSectionScreen, venuesScreen } from './screens/operator/venues';
import { ticketsScreen } from './screens/fan/tickets';
import { ticketScreen } from './screens/fan/ticket';
import { gateScreen } from './screens/gate/scanner';

interface Route {
  pattern: string;
  screen: ScreenFactory;
  who: 'anyone' | 'signed-in' | 'operator' | 'staff';
}

export const ROUTES: Route[] = [
  { pattern: '/sign-in', screen: signInScreen, who: 'anyone' },
  { pattern: '/', screen: concertsScreen, who: 'signed-in' },
  { pattern: '/concerts/:concertId/line', screen: lineScreen, who: 'signed-in' },
  { pattern: '/concerts/:concertId', screen: datesScreen, who: 'signed-in' },
  { pattern: '/concerts/:concertId/dates/:date', screen: seatsScreen, who: 'signed-in' },
  { pattern: '/receipt/:paymentId', screen: receiptScreen, who: 'signed-in' },
  { pattern: '/payments', screen: paymentsScreen, who: 'signed-in' },
  { pattern: '/tickets', screen: ticketsScreen, who: 'signed-in' },
  { pattern: '/tickets/:bookingNumber', screen: ticketScreen, who: 'signed-in' },
  { pattern: '/gate', screen: gateScreen, who: 'staff' },
  { pattern: '/operator', screen: operatorConcertsScreen, who: 'operator' },
  { pattern: '/operator/new', screen: concertFormScreen, who: 'operator' },
  { pattern: '/operator/concerts/:concertId', screen: liveScreen, who: 'operator' },
  { pattern: '/operator/concerts/:concertId/edit', screen: editConcertScreen, who: 'operator' },
  { pattern: '/operator/venues', screen: venuesScreen, who: 'operator' },
  { pattern: '/operator/new-venue', screen: newVenueScreen, who: 'operator' },
  { pattern: '/operator/venues/:venueId', screen: venueScreen, who: 'operator' },
  { pattern: '/operator/venues/:venueId/sections/:sectionId', screen: venueSectionScreen, who: 'operator' },
];

/** The route and its parameters for a path, or null. */
export function match(path: string): { route: Route; params: Record<string, string> } | null {
  const got = path.split('/').filter(Boolean);
  for (const route of ROUTES) {
    const want = route.pattern.split('/').filter(Boolean);
    if (want.length !== got.length) continue;
    const params: Record<string, string> = {};
    if (want.every((w, i) => (w.startsWith(':') ? ((params[w.slice(1)] = decodeURIComponent(got[i])), true) : w === got[i]))) {
      return { route, params };
    }
  }
  return null;
}

export function currentPath(): string {
  return location.hash.replace(/^#/, '') || '/';
}

export class Router {
  private scope: Scope | null = null;

  constructor(
    private readonly app: App,
    private readonly outlet: HTMLElement,
    private readonly onScreen: (screen: Screen) => void,
  ) {
    addEventListener('hashchange', () => this.render());
  }

  go(path: string): void {
    if (currentPath() === path) this.render();
    else location.hash = `#${path}`;
  }

  render(): void {
    this.scope?.dispose();
    this.scope = new Scope();
    const found = match(currentPath());
    const session = this.app.session();
    if (!found) return this.go('/');
    if (found.route.who !== 'anyone' && !session) return this.go('/sign-in');
    if (found.route.who === 'operator' && !session?.operator) return this.go('/');
    if (found.route.who === 'staff' && !session?.staff) return this.go('/');
    const screen = found.route.screen(this.app, found.params, this.scope);
    this.outlet.replaceChildren(screen.node);
    this.onScreen(screen);
  }
}
