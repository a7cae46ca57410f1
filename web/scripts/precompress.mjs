// After `vite build`: a brotli (.br) and a gzip (.gz) copy beside every text file of
// dist/, for the local gateway to serve to clients that accept them (Content-Encoding,
// Vary: Accept-Encoding). On AWS CloudFront compresses the same files itself
// (template.yaml: Compress: true). Node's own zlib: no dependency.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const TEXT = /\.(html|js|mjs|css|json|svg|txt|webmanifest|map)$/;
const root = new URL('../dist/', import.meta.url).pathname;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (TEXT.test(name)) yield path;
  }
}

let before = 0;
let after = 0;
for (const path of files(root)) {
  const bytes = readFileSync(path);
  const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  writeFileSync(`${path}.br`, br);
  writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
  before += bytes.length;
  after += br.length;
}
console.log(`precompressed dist/: ${before} bytes of text, ${after} as brotli`);
