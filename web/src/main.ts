// The app's start: language, configuration, sign-in (back from the hosted UI, or the one
// in this tab), the API client, the page frame, and the router.

import './styles.css';
import type { App, Screen } from './app';
import { ApiClient, ApiProblem } from './api/client';
import { FanApi } from './api/fan';
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
  const polite = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite', 'data-testid': 'notice' });
  const assertive = h('div', { class: 'notice error', role: 'alert', 'data-testid': 'alert' });
  document.body.replaceChildren(
    h('a', { class: 'skip', href: '#main', onclick: (e: Event) => (e.preventDefault(), outlet.focus()) }, t('skipToContent')),
    header,
    h('div', { class: 'notices' }, polite, assertive),
    outlet,
  );

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
      app.say(app.explain(problem), 'error');
      app.go('/sign-in');
    },
  });
  let clearNotice: ReturnType<typeof setTimeout> | undefined;
  const app: App = {
    config,
    client,
    fan: new FanApi(client),
    operator: new OperatorApi(client),
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
      app.say(t('signedOut'));
      router.go('/sign-in');
    },
    go: (path) => router.go(path),
    say(message, kind = 'info') {
      const [show, hide] = kind === 'error' ? [assertive, polite] : [polite, assertive];
      hide.textContent = '';
      show.textContent = message;
      clearTimeout(clearNotice);
      clearNotice = setTimeout(() => {
        show.textContent = '';
      }, 12_000);
    },
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
        s ? h('a', { href: '#/payments' }, t('navPayments')) : null,
        s?.operator ? h('a', { href: '#/operator' }, t('navOperator')) : null,
      ),
      h(
        'div',
        { class: 'who' },
        s ? h('span', { class: 'muted' }, t('signedInAs', { who: t(s.operator ? 'roleOperator' : 'roleFan') })) : null,
        switchLang,
        s ? h('button', { type: 'button', class: 'link', onclick: () => app.signOut() }, t('signOut')) : null,
      ),
    );
  };

  const showScreen = (screen: Screen) => {
    document.title = `${screen.title} · ${t('appName')}`;
    // Tell screen readers where they are now: focus the new screen's heading.
    (outlet.querySelector('h1') as HTMLElement | null)?.focus({ preventScroll: false });
  };
  const router = new Router(app, outlet, showScreen);

  onLangChange(() => {
    document.documentElement.lang = lang();
    renderHeader();
    router.render();
    header.querySelector<HTMLButtonElement>('.lang')?.focus();
  });
  document.documentElement.lang = lang();
  renderHeader();
  router.render();
}

void start();
