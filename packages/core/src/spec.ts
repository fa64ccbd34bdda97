// The core re-exports the shared spec so its users need one import; the spec lives in
// its own package so that local-aws can use it without a package cycle (core's tests
// depend on local-aws).
export * from '@kms-demo/spec';
