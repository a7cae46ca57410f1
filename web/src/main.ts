// The app's start: language, configuration, sign-in (back from the hosted UI, or the one
// in this tab), the API client, the page frame, and the router.

import './styles.css';
import type { App, Screen } from './app';
import { ApiClient, ApiProblem } from './api/client';
import { FanApi } from './api/fan';
import { GateApi } from './api/gate';
import { OperatorApi } from './api/operator';
import { completeSignIn, signOutUrl } from './auth/cognito';
import { SessionStore } from './auth/session';
import { loadConfig, type AppConfig } from './config';
import { FanStore } from './fan/fan-store';
import { lang, loadLang, onLangChange, setLang } from './i18n/lang';
import { t } from './i18n/messages';
import { problemMessage } from './i18n/problems';
import { Router } from './router';
import { h, fill } from './ui/dom';
import { Notices } from './ui/notices';

async function start(): Promise<void> {
  loadLang();
  const config: AppConfig = await loadConfig().catch(() => ({ auth: 'dev', apiBase: '' }) as const);
  const sessions = new SessionStore();
  if (config.auth === 'cognito') {
    const jwt = await completeSignIn(config, new URL(location.href)).catch(() => null);
    if (jwt) {
      sessions.signIn(jwt);
      history.replaceState(null, '', `${location.pathname}#/`);
    }
  }

  const header = h('header', { class: 'top' });
  const outlet = h('main', { id: 'main', tabindex: -1 });
  const notices = new Notices();
  const skip = h('a', { class: 'skip', href: '#main', onclick: (e: Event) => (e.preventDefault(), outlet.focus()) }, t('skipToContent'));
  document.body.replaceChildren(skip, header, notices.node, outlet);

  let fanStore: FanStore | null = null;
  const client = new ApiClient({
    base: config.apiBase,
    bearer: () => sessions.get()?.token ?? null,
    // A 401 AUTH_MISSING / AUTH_INVALID, or API Gateway's own 401 (its JWT authorizer): the
    // sign-in expired or is not valid. The fan's remembered places stay for when they are back.
    onSignedOut: (problem) => {
      sessions.clear();
      fanStore = null;
      renderHeader();
      app.carry(() => app.explain(problem), 'error');
      app.go('/sign-in');
    },
  });
  const app: App = {
    config,
    client,
    fan: new FanApi(client),
    operator: new OperatorApi(client),
    gate: new GateApi(client),
    session: () => sessions.get(),
    fanStore() {
      const userId = sessions.get()?.userId ?? 'nobody';
      if (fanStore?.userId !== userId) fanStore = new FanStore(userId);
      return fanStore;
    },
    signIn(jwt) {
      sessions.signIn(jwt);
      fanStore = null;
      renderHeader();
    },
    signOut() {
      sessions.clear();
      fanStore = null;
      if (config.auth === 'cognito') return location.assign(signOutUrl(config));
      renderHeader();
      app.carry(() => t('signedOut'));
      router.go('/sign-in');
    },
    go: (path) => router.go(path),
    say: (message, kind) => notices.say(message, kind),
    carry: (message, kind) => notices.carry(message, kind),
    explain: (e) => (e instanceof ApiProblem ? problemMessage(e.code, lang()) : problemMessage('UNEXPECTED', lang())),
  };

  const renderHeader = () => {
    const s = sessions.get();
    const switchLang = h(
      'button',
      { type: 'button', class: 'lang', lang: lang() === 'ko' ? 'en' : 'ko', 'aria-label': t('switchLanguageLabel'), 'data-testid': 'switch-language' },
      t('switchLanguage'),
    );
    switchLang.addEventListener('click', () => setLang(lang() === 'ko' ? 'en' : 'ko'));
    fill(
      header,
      h('a', { class: 'brand', href: '#/' }, t('appName')),
      h(
        'nav',
        { 'aria-label': t('navLabel') },
        s ? h('a', { href: '#/' }, t('navConcerts')) : null,
        s ? h('a', { href: '#/tickets', 'data-testid': 'nav-tickets' }, t('navTickets')) : null,
        s ? h('a', { href: '#/payments' }, t('navPayments')) : null,
        s?.operator ? h('a', { href: '#/operator' }, t('navOperator')) : null,
        s?.operator ? h('a', { href: '#/operator/venues', 'data-testid': 'nav-venues' }, t('navVenues')) : null,
        s?.staff ? h('a', { href: '#/gate', 'data-testid': 'nav-gate' }, t('navGate')) : null,
      ),
      h(
        'div',
        { class: 'who' },
        s ? h('span', { class: 'muted' }, t(s.operator ? 'signedInAsOperator' : s.staff ? 'signedInAsStaff' : 'signedInAsFan')) : null,
        switchLang,
        s ? h('button', { type: 'button', class: 'link', onclick: () => app.signOut() }, t('signOut')) : null,
      ),
    );
  };

  // A new screen clears the last one's notices; the same screen drawn again in the other
  // language keeps them, written again in it.
  let relabelling = false;
  const showScreen = (screen: Screen) => {
    if (!relabelling) notices.navigated();
    document.title = `${screen.title} · ${t('appName')}`;
    // Tell screen readers where they are now: focus the new screen's heading.
    (outlet.querySelector('h1') as HTMLElement | null)?.focus({ preventScroll: false });
  };
  const router = new Router(app, outlet, showScreen);

  onLangChange(() => {
    document.documentElement.lang = lang();
    fill(skip, t('skipToContent'));
    renderHeader();
    relabelling = true;
    router.render();
    relabelling = false;
    notices.rewrite();
    header.querySelector<HTMLButtonElement>('.lang')?.focus();
  });
  // Another tab signed out, or in as someone else (auth/session.ts): follow it here.
  addEventListener('storage', (e) => {
    if (!sessions.follow(e)) return;
    fanStore = null;
    renderHeader();
    router.render();
  });
  document.documentElement.lang = lang();
  renderHeader();
  router.render();
}

void start();
