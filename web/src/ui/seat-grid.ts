// The seat map on screen: one button per seat, coloured by its price tier and marked by its
// state (with a symbol too, never colour alone), named for screen readers. One seat is in
// the tab order at a time; the arrow keys move between seats (up and down by a row of the
// grid as drawn: 10 seats, 5 on a phone), Home/End jump. Updated in place, so focus stays
// where the person left it while the map refreshes.

import type { SeatCell } from '../domain/seat-map';
import { formatWon } from '../domain/money';
import { t } from '../i18n/messages';
import { h, setText } from './dom';

export const SEATS_PER_ROW = 10;
// Held seats are striped; sold and mine carry a symbol too, drawn by styles.css (no text, so
// the visible text stays the seat number that the seat's name starts with).

export class SeatGrid {
  readonly node: HTMLElement;
  private buttons = new Map<number, HTMLButtonElement>();
  private order: number[] = [];
  private focusable = 0;

  constructor(
    label: string,
    private readonly onPick: (cell: SeatCell) => void,
  ) {
    this.node = h('div', { class: 'seat-grid', role: 'group', 'aria-label': label });
    this.node.addEventListener('keydown', (e) => this.onKey(e));
  }

  update(cells: SeatCell[]): void {
    const numbers = cells.map((c) => c.seatNumber);
    if (numbers.join() !== this.order.join()) this.rebuild(numbers);
    for (const cell of cells) this.paint(this.buttons.get(cell.seatNumber)!, cell);
  }

  private rebuild(numbers: number[]): void {
    this.order = numbers;
    this.buttons.clear();
    this.node.replaceChildren();
    for (const n of numbers) {
      const b = h('button', { type: 'button', class: 'seat', 'data-seat': n, tabindex: -1 });
      b.addEventListener('click', () => {
        this.focusable = n;
        this.syncTabOrder();
        const cell = (b as HTMLButtonElement & { cell?: SeatCell }).cell;
        if (cell) this.onPick(cell);
      });
      this.buttons.set(n, b);
      this.node.append(b);
    }
    if (!numbers.includes(this.focusable)) this.focusable = numbers[0] ?? 0;
    this.syncTabOrder();
  }

  private paint(b: HTMLButtonElement, cell: SeatCell): void {
    (b as HTMLButtonElement & { cell?: SeatCell }).cell = cell;
    b.dataset.state = cell.state;
    b.dataset.tier = String(cell.tier.rank);
    b.style.setProperty('--tier', cell.tier.colour);
    b.setAttribute('aria-pressed', String(cell.state === 'mine'));
    b.setAttribute('aria-disabled', String(cell.state === 'held' || cell.state === 'sold'));
    b.setAttribute(
      'aria-label',
      t('seatLabel', { n: cell.seatNumber, price: formatWon(cell.price), state: t(`seatState_${cell.state}`) }),
    );
    setText(b, String(cell.seatNumber));
  }

  private syncTabOrder(): void {
    for (const [n, b] of this.buttons) b.tabIndex = n === this.focusable ? 0 : -1;
  }

  /** Seats per row as the grid is drawn now (styles.css: 10, or 5 on a narrow screen). */
  private columns(): number {
    const drawn = getComputedStyle(this.node).gridTemplateColumns.split(' ').filter(Boolean).length;
    return drawn > 0 ? drawn : SEATS_PER_ROW;
  }

  private onKey(e: KeyboardEvent): void {
    const at = this.order.indexOf(this.focusable);
    const moves: Record<string, number> = {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: this.columns(),
      ArrowUp: -this.columns(),
      Home: -at,
      End: this.order.length - 1 - at,
    };
    if (!(e.key in moves) || at < 0) return;
    e.preventDefault();
    const next = Math.min(Math.max(at + moves[e.key], 0), this.order.length - 1);
    this.focusable = this.order[next];
    this.syncTabOrder();
    this.buttons.get(this.focusable)?.focus();
  }
}
