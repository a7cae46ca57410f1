// Operator: a concert's settings, as a ConcertSpec (docs/openapi.json): its dates and their
// seats, price tiers, the per-account seat limit, the sale window (entered in the operator's
// own time zone, sent in UTC) and its admission numbers, with the proof of work a join costs. One form for both a new concert
// (POST) and an edit of one (PUT, prefilled from the operator's view of it); the values in
// and out are domain/concert-spec.ts. The card's picture is an optional https URL, checked
// here as the API checks it (domain/image-url.ts).

import type { App, ScreenFactory } from '../../app';
import { ApiProblem } from '../../api/client';
import type { Concert, ConcertNumbers } from '../../api/types';
import { formValuesOf, newConcertValues, specOf, type ConcertFormValues } from '../../domain/concert-spec';
import { imageUrlProblem, IMAGE_URL_MAX } from '../../domain/image-url';
import { MAX_WORK_BITS } from '../../domain/join-work';
import { FEE_PATTERN } from '../../domain/refund-policy';
import { t, type MessageKey } from '../../i18n/messages';
import { fill, h, setText } from '../../ui/dom';
import { loadingText, whileBusy } from '../../ui/widgets';

function field(id: string, label: MessageKey, input: HTMLInputElement): HTMLElement {
  input.id = id;
  input.name = id;
  return h('div', { class: 'field' }, h('label', { for: id }, t(label)), input);
}

function input(attrs: Record<string, string | number | boolean>): HTMLInputElement {
  return h('input', attrs);
}

/** Rows of inputs (dates, tiers) that can grow and shrink. */
class Rows {
  readonly node = h('div', { class: 'rows' });
  private readonly rows: HTMLInputElement[][] = [];

  constructor(
    private readonly name: string,
    private readonly columns: { label: MessageKey; attrs: Record<string, string | number | boolean> }[],
    /** Rows that cannot be removed (dates and tiers need one). */
    private readonly least = 1,
  ) {}

  add(values: (string | number)[]): void {
    const index = this.rows.length + 1;
    const inputs = this.columns.map((c, i) => input({ ...c.attrs, value: values[i] ?? '', required: true }));
    const row = h('div', { class: 'row', 'data-row': this.name });
    inputs.forEach((el, i) => row.append(field(`${this.name}-${index}-${i}`, this.columns[i].label, el)));
    const remove = h('button', { type: 'button', class: 'link', 'aria-label': t('opRemoveRow', { n: index }) }, t('opRemove'));
    remove.addEventListener('click', () => {
      if (this.rows.length <= this.least) return;
      this.rows.splice(this.rows.indexOf(inputs), 1);
      row.remove();
    });
    row.append(remove);
    this.rows.push(inputs);
    this.node.append(row);
  }

  values(): string[][] {
    return this.rows.map((r) => r.map((i) => i.value.trim()));
  }
}

export const concertFormScreen: ScreenFactory = (app) => {
  const values = newConcertValues(Date.now(), Math.random().toString(36).slice(2, 8));
  const form = concertForm(app, values, null);
  return { title: t('opCreateTitle'), node: h('section', {}, h('h1', { tabindex: -1 }, t('opCreateTitle')), form) };
};

/** Edit a concert: the form prefilled from GET /operator/concerts/{id}, sent with PUT. */
export const editConcertScreen: ScreenFactory = (app, { concertId }) => {
  const heading = h('h1', { tabindex: -1 }, t('opEdit'));
  const body = h('div', {}, loadingText());
  void app.operator.numbers(concertId).then(
    (n) => {
      setText(heading, `${t('opEdit')}: ${n.title}`);
      fill(body, concertForm(app, formValuesOf(n), n));
    },
    (e) => fill(body, h('p', { class: 'error', role: 'alert' }, app.explain(e))),
  );
  return { title: t('opEdit'), node: h('section', {}, heading, body) };
};

/** The form, filled with `values`; `editing` is the concert as read when it edits one. */
function concertForm(app: App, values: ConcertFormValues, editing: ConcertNumbers | null): HTMLFormElement {
  // Browsers compile `pattern` with the `v` flag, where a `-` in a class must be escaped.
  const id = input({ pattern: '[a-z0-9\\-]{1,64}', required: true, value: values.concertId, autocomplete: 'off', readonly: editing !== null });
  const title = input({ required: true, maxlength: 200, value: values.title });
  const venue = input({ required: true, maxlength: 200, value: values.venue });
  const imageUrl = input({ type: 'url', maxlength: IMAGE_URL_MAX, value: values.imageUrl ?? '', autocomplete: 'off', 'aria-describedby': 'imageUrl-help imageUrl-error' });
  const imageError = h('p', { class: 'error', id: 'imageUrl-error', 'data-testid': 'image-url-error', hidden: true });
  // The API's rule (https only, no quotes or brackets) as the input's own validity, so the
  // submit below names the field like any other that is wrong; the reason is said next to it
  // once the operator leaves the field (not at every key).
  const checkImage = (say: boolean) => {
    const problem = imageUrl.value.trim() === '' ? null : imageUrlProblem(imageUrl.value);
    const why = problem ? t(problem === 'not-https' ? 'opImageUrlHttps' : 'opImageUrlInvalid') : '';
    imageUrl.setCustomValidity(why);
    if (!say && problem) return;
    imageUrl.setAttribute('aria-invalid', String(problem !== null));
    setText(imageError, why);
    imageError.hidden = problem === null;
  };
  imageUrl.addEventListener('input', () => checkImage(false));
  imageUrl.addEventListener('change', () => checkImage(true));
  checkImage(true);
  const seatLimit = input({ type: 'number', min: 1, max: 10, value: values.seatLimit });
  const preQueueAt = input({ type: 'datetime-local', step: 1, value: values.preQueueAt });
  const opensAt = input({ type: 'datetime-local', step: 1, required: true, value: values.opensAt });
  const closesAt = input({ type: 'datetime-local', step: 1, required: true, value: values.closesAt });
  const admitPerTick = input({ type: 'number', min: 1, max: 10000, value: values.admitPerTick });
  const activeCap = input({ type: 'number', min: 1, max: 100000, value: values.activeCap });
  const proofOfWorkBits = input({ type: 'number', min: 0, max: MAX_WORK_BITS, step: 1, value: values.proofOfWorkBits ?? '' });
  const dates = new Rows('date', [
    { label: 'opDate', attrs: { type: 'date' } },
    { label: 'opSeats', attrs: { type: 'number', min: 1, max: 50 } },
  ]);
  values.dates.forEach((row) => dates.add(row));
  const tiers = new Rows('tier', [
    { label: 'opFromSeat', attrs: { type: 'number', min: 1, max: 50 } },
    { label: 'opToSeat', attrs: { type: 'number', min: 1, max: 50 } },
    { label: 'opPrice', attrs: { inputmode: 'numeric' } },
  ]);
  values.tiers.forEach((row) => tiers.add(row));
  const refund = values.refund;
  const graceHours = input({ type: 'number', min: 0, max: 8784, required: true, value: refund?.graceHours ?? '' });
  const deadlineHours = input({ type: 'number', min: 0, max: 8784, required: true, value: refund?.deadlineHours ?? '' });
  const baseFee = input({ pattern: FEE_PATTERN, required: true, value: refund?.baseFee ?? '', 'aria-describedby': 'fee-help' });
  const stretches = new Rows('stretch', [
    { label: 'opStretchHours', attrs: { type: 'number', min: 0, max: 8784 } },
    { label: 'opStretchFee', attrs: { pattern: FEE_PATTERN, 'aria-describedby': 'fee-help' } },
  ], 0);
  (refund?.stretches ?? []).forEach((row) => stretches.add(row));

  // Once the pre-queue has started the seat layout and the opening are fixed (409 SALE_STARTED):
  // their inputs are shown but disabled, with the reason next to them.
  const locked = editing !== null && editing.phase !== 'SCHEDULED';
  const lockedNote = locked ? h('p', { class: 'muted', id: 'layout-locked' }, t('opLayoutLocked')) : null;
  const lockedAttrs = locked ? { disabled: true, 'aria-describedby': 'layout-locked' } : {};
  if (locked) [preQueueAt, opensAt].forEach((el) => el.setAttribute('aria-describedby', 'layout-locked'));
  preQueueAt.disabled = opensAt.disabled = locked;

  const submit = editing
    ? h('button', { type: 'submit', class: 'primary', 'data-testid': 'save-concert' }, t('opSave'))
    : h('button', { type: 'submit', class: 'primary', 'data-testid': 'create-concert' }, t('opCreate'));
  const form = h(
    'form',
    { class: 'card concert-form', novalidate: true },
    field('concertId', 'opConcertId', id),
    field('title', 'opTitleField', title),
    field('venue', 'opVenue', venue),
    h('div', { class: 'field' },
      h('label', { for: 'imageUrl' }, t('opImageUrl')),
      Object.assign(imageUrl, { id: 'imageUrl', name: 'imageUrl' }),
      h('p', { class: 'muted', id: 'imageUrl-help' }, t('opImageUrlHelp')),
      imageError),
    lockedNote,
    h('fieldset', lockedAttrs, h('legend', {}, t('opDates')), dates.node,
      h('button', { type: 'button', onclick: () => dates.add(['', '50']) }, t('opAddDate'))),
    h('fieldset', lockedAttrs, h('legend', {}, t('opTiers')), tiers.node,
      h('button', { type: 'button', onclick: () => tiers.add(['', '', '']) }, t('opAddTier'))),
    field('seatLimit', 'opSeatLimit', seatLimit),
    h('fieldset', {}, h('legend', {}, t('opSale')),
      field('preQueueAt', 'opPreQueueAt', preQueueAt), field('opensAt', 'opOpensAt', opensAt), field('closesAt', 'opClosesAt', closesAt)),
    h('fieldset', {}, h('legend', {}, t('opAdmission')),
      field('admitPerTick', 'opAdmitPerTick', admitPerTick), field('activeCap', 'opActiveCap', activeCap),
      field('proofOfWorkBits', 'opProofOfWorkBits', proofOfWorkBits)),
    h('fieldset', {}, h('legend', {}, t('opRefundPolicy')),
      h('p', { class: 'muted', id: 'fee-help' }, t('opFeeHelp')),
      h('div', { class: 'row' }, field('graceHours', 'opGraceHours', graceHours), field('deadlineHours', 'opDeadlineHours', deadlineHours), field('baseFee', 'opBaseFee', baseFee)),
      h('p', {}, t('opStretches')),
      stretches.node,
      h('button', { type: 'button', onclick: () => stretches.add(['', '']) }, t('opAddStretch'))),
    h(
      'div',
      { class: 'actions' },
      submit,
      editing ? h('a', { class: 'button', href: `#/operator/concerts/${editing.concertId}` }, t('opCancel')) : null,
    ),
  );

  const current = (): ConcertFormValues => ({
    ...values,
    concertId: id.value,
    title: title.value,
    venue: venue.value,
    dates: dates.values(),
    tiers: tiers.values(),
    seatLimit: seatLimit.value,
    preQueueAt: preQueueAt.value,
    opensAt: opensAt.value,
    closesAt: closesAt.value,
    admitPerTick: admitPerTick.value,
    activeCap: activeCap.value,
    proofOfWorkBits: proofOfWorkBits.value,
    imageUrl: imageUrl.value,
    refund: { graceHours: graceHours.value, deadlineHours: deadlineHours.value, baseFee: baseFee.value, stretches: stretches.values() },
  });

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const missing = [...form.querySelectorAll('input')].filter((i) => !i.checkValidity());
    checkImage(true);
    if (missing.length > 0) {
      missing[0].focus();
      const names = missing.map((i) => form.querySelector(`label[for="${i.id}"]`)?.textContent ?? i.name);
      return app.say(() => t('opFormInvalid', { what: names.join(', ') }), 'error');
    }
    const spec = specOf(current());
    void whileBusy(submit, t('loading'), () =>
      editing
        ? send(app, () => app.operator.edit(editing.concertId, spec), 'opSaved')
        : send(app, () => app.operator.create(spec), 'opCreated'),
    );
  });
  return form;
}

async function send(app: App, request: () => Promise<Concert>, done: MessageKey): Promise<void> {
  try {
    const concert = await request();
    app.carry(() => t(done));
    app.go(`/operator/concerts/${concert.concertId}`);
  } catch (e) {
    // Operators also get the API's own detail: it names the rule the spec broke.
    const detail = e instanceof ApiProblem && e.detail ? ` (${e.detail})` : '';
    app.say(() => app.explain(e) + detail, 'error');
  }
}
