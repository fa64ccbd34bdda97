declare const __KMS_DEMO_VERSION__: string | undefined;

/** Injected by scripts/build.mjs from package.json; tests that import sources see 'dev'. */
export const VERSION: string =
  typeof __KMS_DEMO_VERSION__ === 'string' ? __KMS_DEMO_VERSION__ : '0.0.0-dev';
