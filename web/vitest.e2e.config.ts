// End-to-end tests in real headless Chromium against a running local stack (scripts/web-test.sh
// starts it and sets SERVICE_URL and SHORT_HOLD_SERVICE_URL). One file at a time, in order.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
