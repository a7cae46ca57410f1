// Sign in: locally one press (POST /dev/login, as a fan, an operator or gate staff); on AWS
// the Cognito hosted UI.

import type { ScreenFactory } from '../app';
import { devLogin, type DevRole } from '../auth/dev-login';
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
          h('div', { class: 'actions' }, devButton('fan'), devButton('operator'), devButton('staff')),
        ]
      : [
          h('p', {}, t('signInCognitoIntro')),
          h('button', { type: 'button', class: 'primary', onclick: () => void beginSignIn(config) }, t('signInCognito')),
        ];

  function devButton(role: DevRole): HTMLButtonElement {
    const label = { fan: 'signInAsFan', operator: 'signInAsOperator', staff: 'signInAsStaff' } as const;
    const b = h('button', { type: 'button', class: role === 'fan' ? 'primary' : '', 'data-testid': `sign-in-${role}` }, t(label[role]));
    b.addEventListener('click', () =>
      whileBusy(b, t('loading'), async () => {
        try {
          app.signIn(await devLogin(config.apiBase, role));
          app.go({ fan: '/', operator: '/operator', staff: '/gate' }[role]);
        } catch {
          app.say(() => t('signInFailed'), 'error');
        }
      }),
    );
    return b;
  }

  return { title: t('signInTitle'), node: h('section', { class: 'card narrow' }, h('h1', { tabindex: -1 }, t('signInTitle')), ...body) };
};
