// A QR code as SVG, drawn from qrcode-generator's module matrix (MIT, bundled): one path of
// dark squares on a white square with the 4-module quiet zone the standard asks for, so it
// scales crisply to any size and is never an image a screen reader cannot name.

import qrcode from 'qrcode-generator';
import { svg } from './dom';

/** The dark (true) and light modules of the QR code for `text`: the smallest version, error correction M. */
export function qrMatrix(text: string): boolean[][] {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => qr.isDark(r, c)));
}

/** The path drawing the dark modules, offset by the quiet zone: one `M x y h1 v1 h-1 z` per module. */
export function qrPath(modules: boolean[][], quiet = 4): string {
  const parts: string[] = [];
  modules.forEach((row, r) =>
    row.forEach((dark, c) => {
      if (dark) parts.push(`M${c + quiet} ${r + quiet}h1v1h-1z`);
    }),
  );
  return parts.join('');
}

/** The QR code for `text`, labelled `label` for screen readers. */
export function qrSvg(text: string, label: string): SVGElement {
  const modules = qrMatrix(text);
  const size = modules.length + 8;
  return svg(
    'svg',
    { viewBox: `0 0 ${size} ${size}`, role: 'img', 'aria-label': label, 'shape-rendering': 'crispEdges', class: 'qr' },
    svg('rect', { width: size, height: size, fill: '#fff' }),
    svg('path', { d: qrPath(modules), fill: '#000' }),
  );
}
