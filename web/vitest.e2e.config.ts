// End-to-end tests in real headless Chromium against a running local stack (scripts/web-test.sh
// starts it and sets SERVICE_URL and SHORT_HOLD_SERVICE_URL). One file at a time, in order.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 180_000,
    // A screen waits on a request or two to this 2-core machine's stack: seconds, not one.
    expect: { poll: { timeout: 5_000 } },
    hookTimeout: 60_000,
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
