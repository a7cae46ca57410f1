// Passing a ticket on at face value, and giving back one passed to oneself. Each is a dialog
// that says what happens before anything is sent: no money moves through the service, and the
// fan's own code stops working at once. The receiver's account id is parsed in the browser
// (domain/transfer.ts) so a typo never reaches the API; the API's refusals (transfers closed,
// the receiver's seat limit, a ticket used or refunded meanwhile) are said in the dialog with
// the problem sentences. Neither call takes an Idempotency-Key: a transfer sent again after a
// lost answer is answered with the same move, and a repeated decline with NOT_TRANSFERRED.

import type { App } from '../../app';
import type { MovedTicket, Ticket } from '../../api/types';
import { parseReceiver, shortAccountId } from '../../domain/transfer';
import { t } from '../../i18n/messages';
import { fill, h } from '../../ui/dom';
import { whileBusy } from '../../ui/widgets';

/** A modal dialog with a title, a body and a confirm button; focus returns to `opener` on close. */
function modal(opener: HTMLElement, name: string, title: string, confirmLabel: string, ...body: HTMLElement[]) {
  const close = h('button', { type: 'button', 'data-testid': `${name}-close` }, t('close'));
  const confirm = h('button', { type: 'submit', class: 'primary', 'data-testid': `confirm-${name}` }, confirmLabel);
  const outcome = h('div', { 'data-testid': `${name}-outcome` });
  const form = h('form', { method: 'dialog', novalidate: true }, ...body, outcome, h('div', { class: 'actions' }, confirm, close));
  const dialog = h('dialog', { class: 'transfer-dialog', 'aria-labelledby': `${name}-title`, 'data-testid': `${name}-dialog` }, h('h2', { id: `${name}-title` }, title), form);
  const finish = () => {
    dialog.close();
    dialog.remove();
    if (opener.isConnected) opener.focus();
  };
  close.addEventListener('click', finish);
  dialog.addEventListener('cancel', (e) => {
    e.preventDefault();
    finish();
  });
  document.body.append(dialog);
  dialog.showModal();
  /** Say why the request failed, in the dialog (assertive), and keep it open. */
  const failed = (app: App, e: unknown) => fill(outcome, h('p', { class: 'error', role: 'alert' }, app.explain(e)));
  return { form, confirm, finish, failed };
}

/** Open the transfer dialog for a VALID ticket; `done` runs after the move. */
export function openTransferDialog(app: App, ticket: Ticket, opener: HTMLElement, done: (moved: MovedTicket) => void): void {
  const input = h('input', {
    id: 'transfer-to',
    name: 'toUserId',
    autocomplete: 'off',
    autocapitalize: 'off',
    spellcheck: 'false',
    'aria-describedby': 'transfer-to-help transfer-to-error',
    'data-testid': 'transfer-to',
  });
  const error = h('p', { class: 'error', id: 'transfer-to-error', 'data-testid': 'transfer-to-error', hidden: true });
  const { form, confirm, finish, failed } = modal(
    opener,
    'transfer',
    t('transferTitle', { n: ticket.seatNumber }),
    t('transferConfirm'),
    h('p', { class: 'transfer-terms', 'data-testid': 'transfer-face-value' }, t('transferFaceValue')),
    h('p', { class: 'transfer-terms warning', 'data-testid': 'transfer-code-stops' }, t('transferCodeStops')),
    h('div', { class: 'field' },
      h('label', { for: 'transfer-to' }, t('transferReceiverLabel')),
      input,
      h('p', { class: 'muted', id: 'transfer-to-help' }, t('transferReceiverHelp')),
      error),
  );
  input.focus();
  input.addEventListener('input', () => {
    error.hidden = true;
    input.removeAttribute('aria-invalid');
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const to = parseReceiver(input.value, app.session()!.userId);
    if (!to.ok) {
      error.textContent = t(`receiver_${to.problem}`);
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    void whileBusy(confirm, t('transferring'), async () => {
      try {
        const moved = await app.fan.transfer(ticket.reservationId, to.userId);
        finish();
        done(moved);
      } catch (e) {
        failed(app, e);
      }
    });
  });
}

/** Open the dialog that gives a ticket passed to the fan back to its sender; `done` runs after it. */
export function openGiveBackDialog(app: App, ticket: Ticket, opener: HTMLElement, done: (moved: MovedTicket) => void): void {
  const { form, confirm, finish, failed } = modal(
    opener,
    'give-back',
    t('giveBackTitle', { n: ticket.seatNumber }),
    t('giveBackConfirm'),
    h('p', { class: 'transfer-terms warning' }, t('giveBackWhat', { from: shortAccountId(ticket.transferredFrom ?? '') })),
  );
  confirm.focus();
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void whileBusy(confirm, t('givingBack'), async () => {
      try {
        const moved = await app.fan.decline(ticket.reservationId);
        finish();
        done(moved);
      } catch (e) {
        failed(app, e);
      }
    });
  });
}
