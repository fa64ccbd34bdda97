import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One endpoint for the whole run, on port 0 with a temp state dir; test files reach it
    // through `inject('localAws')` (see test/support/global-setup.ts and clients.ts).
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
