// Operator: a new concert, as a ConcertSpec (docs/openapi.json): its dates and their seats,
// price tiers, the per-account seat limit, the sale window (entered in the operator's own
// time zone, sent in UTC) and, optionally, its admission numbers.

import type { App, ScreenFactory } from '../../app';
import { ApiProblem } from '../../api/client';
import type { ConcertSpec } from '../../api/types';
import { parseWon } from '../../domain/money';
import { t, type MessageKey } from '../../i18n/messages';
import { h } from '../../ui/dom';
import { whileBusy } from '../../ui/widgets';

/** `datetime-local` value for an instant, in the browser's time zone, to the second. */
export function localInputValue(at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())}T${p(at.getHours())}:${p(at.getMinutes())}:${p(at.getSeconds())}`;
}

const DAY = 86_400_000;
const STANDARD_TIERS = [
  { fromSeat: 1, toSeat: 10, price: 220_000 },
  { fromSeat: 11, toSeat: 30, price: 165_000 },
  { fromSeat: 31, toSeat: 50, price: 110_000 },
];

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
  ) {}

  add(values: (string | number)[]): void {
    const index = this.rows.length + 1;
    const inputs = this.columns.map((c, i) => input({ ...c.attrs, value: values[i] ?? '', required: true }));
    const row = h('div', { class: 'row', 'data-row': this.name });
    inputs.forEach((el, i) => row.append(field(`${this.name}-${index}-${i}`, this.columns[i].label, el)));
    const remove = h('button', { type: 'button', class: 'link', 'aria-label': t('opRemoveRow', { n: index }) }, t('opRemove'));
    remove.addEventListener('click', () => {
      if (this.rows.length <= 1) return;
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
  const now = Date.now();
  const day = new Date(now + 30 * DAY).toISOString().slice(0, 10);
  const id = input({ pattern: '[a-z0-9-]{1,64}', required: true, value: `concert-${Math.random().toString(36).slice(2, 8)}`, autocomplete: 'off' });
  const title = input({ required: true, maxlength: 200 });
  const venue = input({ required: true, maxlength: 200 });
  const seatLimit = input({ type: 'number', min: 1, max: 10, value: 4 });
  const preQueueAt = input({ type: 'datetime-local', step: 1, value: localInputValue(new Date(now + 60_000)) });
  const opensAt = input({ type: 'datetime-local', step: 1, required: true, value: localInputValue(new Date(now + 5 * 60_000)) });
  const closesAt = input({ type: 'datetime-local', step: 1, required: true, value: localInputValue(new Date(now + 7 * DAY)) });
  const admitPerTick = input({ type: 'number', min: 1, max: 10000 });
  const activeCap = input({ type: 'number', min: 1, max: 100000 });
  const dates = new Rows('date', [
    { label: 'opDate', attrs: { type: 'date' } },
    { label: 'opSeats', attrs: { type: 'number', min: 1, max: 50 } },
  ]);
  dates.add([day, 50]);
  const tiers = new Rows('tier', [
    { label: 'opFromSeat', attrs: { type: 'number', min: 1, max: 50 } },
    { label: 'opToSeat', attrs: { type: 'number', min: 1, max: 50 } },
    { label: 'opPrice', attrs: { inputmode: 'numeric' } },
  ]);
  STANDARD_TIERS.forEach((x) => tiers.add([x.fromSeat, x.toSeat, x.price]));

  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'create-concert' }, t('opCreate'));
  const form = h(
    'form',
    { class: 'card concert-form', novalidate: true },
    field('concertId', 'opConcertId', id),
    field('title', 'opTitleField', title),
    field('venue', 'opVenue', venue),
    h('fieldset', {}, h('legend', {}, t('opDates')), dates.node,
      h('button', { type: 'button', onclick: () => dates.add(['', 50]) }, t('opAddDate'))),
    h('fieldset', {}, h('legend', {}, t('opTiers')), tiers.node,
      h('button', { type: 'button', onclick: () => tiers.add(['', '', '']) }, t('opAddTier'))),
    field('seatLimit', 'opSeatLimit', seatLimit),
    h('fieldset', {}, h('legend', {}, t('opSale')),
      field('preQueueAt', 'opPreQueueAt', preQueueAt), field('opensAt', 'opOpensAt', opensAt), field('closesAt', 'opClosesAt', closesAt)),
    h('fieldset', {}, h('legend', {}, t('opAdmission')),
      field('admitPerTick', 'opAdmitPerTick', admitPerTick), field('activeCap', 'opActiveCap', activeCap)),
    h('div', { class: 'actions' }, submit),
  );

  const spec = (): ConcertSpec => {
    const instant = (el: HTMLInputElement) => (el.value ? new Date(el.value).toISOString() : null);
    const num = (el: HTMLInputElement) => (el.value.trim() === '' ? null : Number(el.value));
    return {
      concertId: id.value.trim(),
      title: title.value.trim(),
      venue: venue.value.trim(),
      dates: dates.values().map(([date, seats]) => ({ date, seats: Number(seats) })),
      priceTiers: tiers.values().map(([from, to, price]) => ({ fromSeat: Number(from), toSeat: Number(to), price: parseWon(price) ?? -1 })),
      seatLimit: num(seatLimit),
      sale: { preQueueAt: instant(preQueueAt), opensAt: instant(opensAt) ?? '', closesAt: instant(closesAt) ?? '' },
      admission: { admitPerTick: num(admitPerTick), activeCap: num(activeCap) },
    };
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const missing = [...form.querySelectorAll('input')].filter((i) => !i.checkValidity());
    if (missing.length > 0) {
      missing[0].focus();
      const names = missing.map((i) => form.querySelector(`label[for="${i.id}"]`)?.textContent ?? i.name);
      return app.say(t('opFormInvalid', { what: names.join(', ') }), 'error');
    }
    void whileBusy(submit, t('loading'), () => create(app, spec()));
  });

  return { title: t('opCreateTitle'), node: h('section', {}, h('h1', { tabindex: -1 }, t('opCreateTitle')), form) };
};

async function create(app: App, spec: ConcertSpec): Promise<void> {
  try {
    const concert = await app.operator.create(spec);
    app.say(t('opCreated'));
    app.go(`/operator/concerts/${concert.concertId}`);
  } catch (e) {
    // Operators also get the API's own detail: it names the rule the spec broke.
    const detail = e instanceof ApiProblem && e.detail ? ` (${e.detail})` : '';
    app.say(app.explain(e) + detail, 'error');
  }
}
