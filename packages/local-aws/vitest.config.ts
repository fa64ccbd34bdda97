import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One endpoint for the whole run, on port 0 with a temp state dir; test files reach it
    // through `inject('localAws')` (see test/support/global-setup.ts and clients.ts).
    globalSetup: ['test/support/global-setup.ts'],
    // The SDK's Node-version notice is for this project's developers, not test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
