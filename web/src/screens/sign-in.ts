// Sign in: locally one press (POST /dev/login, as a fan or as an operator); on AWS the
// Cognito hosted UI.

import type { ScreenFactory } from '../app';
import { devLogin } from '../auth/dev-login';
import { beginSignIn } from '../auth/cognito';
import { t } from '../i18n/messages';
import { h } from '../ui/dom';
import { whileBusy } from '../ui/widgets';

export const signInScreen: ScreenFactory = (app) => {
  const config = app.config;
  const body =
    config.auth === 'dev'
      ? [
          h('p', {}, t('signInDevIntro')),
          h('div', { class: 'actions' }, devButton(false), devButton(true)),
        ]
      : [
          h('p', {}, t('signInCognitoIntro')),
          h('button', { type: 'button', class: 'primary', onclick: () => void beginSignIn(config) }, t('signInCognito')),
        ];

  function devButton(operator: boolean): HTMLButtonElement {
    const b = h('button', { type: 'button', class: operator ? '' : 'primary', 'data-testid': operator ? 'sign-in-operator' : 'sign-in-fan' },
      t(operator ? 'signInAsOperator' : 'signInAsFan'));
    b.addEventListener('click', () =>
      whileBusy(b, t('loading'), async () => {
        try {
          app.signIn(await devLogin(config.apiBase, operator));
          app.go(operator ? '/operator' : '/');
        } catch {
          app.say(() => t('signInFailed'), 'error');
        }
      }),
    );
    return b;
  }

  return { title: t('signInTitle'), node: h('section', { class: 'card narrow' }, h('h1', { tabindex: -1 }, t('signInTitle')), ...body) };
};
