// A line chart drawn as inline SVG (no chart library): time across, the value up, the
// latest value written beside the title. Named for screen readers by its latest value.

import type { Point } from '../domain/sale-samples';
import { t } from '../i18n/messages';
import { h, svg } from './dom';

const W = 320;
const H = 120;
const PAD = { left: 36, right: 8, top: 8, bottom: 18 };

/** Evenly rounded upper bound for the axis: 1, 2, 5 × 10^n. */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * power).find((m) => m >= value)!;
}

export function lineChart(title: string, points: Point[], format: (v: number) => string = String): HTMLElement {
  const latest = points.at(-1);
  const name = latest ? t('chartLatest', { title, value: format(latest.value) }) : t('chartNoData', { title });
  const figure = h('figure', { class: 'chart' }, h('figcaption', {}, title, ' ', h('strong', {}, latest ? format(latest.value) : '–')));
  const plot = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': name, preserveAspectRatio: 'none' });
  const top = niceMax(Math.max(0, ...points.map((p) => p.value)));
  const x0 = PAD.left;
  const x1 = W - PAD.right;
  const y0 = H - PAD.bottom;
  const y1 = PAD.top;
  plot.append(
    svg('line', { x1: x0, y1: y0, x2: x1, y2: y0, class: 'axis' }),
    svg('line', { x1: x0, y1: y1, x2: x0, y2: y0, class: 'axis' }),
    svg('text', { x: x0 - 4, y: y1 + 8, 'text-anchor': 'end', class: 'tick' }, format(top)),
    svg('text', { x: x0 - 4, y: y0, 'text-anchor': 'end', class: 'tick' }, '0'),
  );
  if (points.length > 0) {
    const first = points[0].at;
    const span = Math.max(points.at(-1)!.at - first, 1);
    const xy = points.map((p) => [x0 + ((p.at - first) / span) * (x1 - x0), y0 - (p.value / top) * (y0 - y1)]);
    const path = xy.map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
    plot.append(svg('path', { d: path, class: 'series' }));
    const [lx, ly] = xy.at(-1)!;
    plot.append(svg('circle', { cx: lx.toFixed(1), cy: ly.toFixed(1), r: 3, class: 'series-dot' }));
    const minutes = Math.round(span / 60_000);
    plot.append(svg('text', { x: x1, y: H - 4, 'text-anchor': 'end', class: 'tick' }, minutes > 0 ? `${minutes} min` : `${Math.round(span / 1000)} s`));
  }
  figure.append(plot);
  return figure;
}
