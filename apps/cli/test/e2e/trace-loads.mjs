// Loaded with `node --import` by the start-up test: records every module file the process
// loads (ES modules through a loader hook, CommonJS ones from require's cache), the Node
// built-ins it loaded (as `builtin:<name>`) and each Intl.Segmenter it built (string-width's
// start-up work, as `Intl.Segmenter`), and writes the list to $KMS_DEMO_TRACE_FILE on exit.
import { writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const { port1, port2 } = new MessageChannel();
const urls = [];
port1.on('message', (url) => urls.push(url));
port1.unref();
const hooks = `
let port;
export function initialize(data) { port = data.port; }
export async function load(url, context, next) { port.postMessage(url); return next(url, context); }
`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`, {
  data: { port: port2 },
  transferList: [port2],
});
const built = [];
const Segmenter = Intl.Segmenter;
Intl.Segmenter = class extends Segmenter {
  constructor(...args) {
    super(...args);
    built.push('Intl.Segmenter');
  }
};
process.on('exit', () => {
  const required = Object.keys(createRequire(import.meta.url).cache);
  const builtins = process.moduleLoadList
    .filter((m) => m.startsWith('NativeModule ') && !m.startsWith('NativeModule internal/'))
    .map((m) => `builtin:${m.slice('NativeModule '.length)}`);
  writeFileSync(
    process.env.KMS_DEMO_TRACE_FILE,
    [...urls, ...required, ...builtins, ...built].join('\n'),
  );
});
