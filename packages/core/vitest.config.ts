import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start a real local-aws endpoint per file; throttling tests wait
    // out the SDK's backoff.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The SDK's Node-version notice is the same on every client and drowns the report.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
