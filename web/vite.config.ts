// `npm run dev`: the app with hot reload on :5173, the API (and /config.json) proxied to a
// running local stack (`make run`, or API_URL). `npm run build`: web/dist, which the local
// gateway serves at / and which is uploaded to the S3 bucket on AWS.
import { defineConfig } from 'vite';

const api = process.env.API_URL ?? 'http://127.0.0.1:3000';
const proxied = ['/concerts', '/queue', '/reservations', '/payments', '/users', '/operator', '/gate', '/dev', '/config.json'];

export default defineConfig({
  server: { proxy: Object.fromEntries(proxied.map((p) => [p, { target: api, changeOrigin: false }])) },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
