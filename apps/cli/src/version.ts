declare const __KMS_DEMO_VERSION__: string | undefined;
declare const __KMS_DEMO_BUILD_ID__: string | undefined;

/** Injected by scripts/build.mjs from package.json; tests that import sources see 'dev'. */
export const VERSION: string =
  typeof __KMS_DEMO_VERSION__ === 'string' ? __KMS_DEMO_VERSION__ : '0.0.0-dev';

/**
 * A hash of the built bundle (scripts/build.mjs): two builds share it only when their code
 * is the same. The background server records it, so a newer build replaces a stale one.
 */
export const BUILD_ID: string = `${VERSION}+${
  typeof __KMS_DEMO_BUILD_ID__ === 'string' ? __KMS_DEMO_BUILD_ID__ : 'dev'
}`;
