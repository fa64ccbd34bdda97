// For a process about to start the endpoint: begin loading dynalite (in its worker
// thread) before loading the emulator itself. Imports nothing else of the package.
export { preloadDynalite } from './dynamodb/dynalite-worker.js';
