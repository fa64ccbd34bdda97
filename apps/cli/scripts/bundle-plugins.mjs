// The esbuild plugins of the CLI bundle (bundle-options.mjs): what is loaded, and when.
import { builtinModules, createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * dynalite stays outside the bundle (its LevelDB binding is native and found relative to
 * its own package). A plain `external` would hoist `import 'dynalite'` to the top of the
 * bundle and load LevelDB on every run, `--help` included; this stand-in module instead
 * requires it when the emulator module is first evaluated.
 */
export function lazyExternal(names) {
  const filter = new RegExp(`^(${names.join('|')})$`);
  return {
    name: 'lazy-external',
    setup(b) {
      b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'lazy-external' }));
      b.onLoad({ filter: /.*/, namespace: 'lazy-external' }, (args) => ({
        contents: [
          "import { createRequire } from 'node:module';",
          `const required = createRequire(import.meta.url)(${JSON.stringify(args.path)});`,
          'export default required;',
        ].join('\n'),
        loader: 'js',
      }));
    },
  };
}

/**
 * Node's built-ins reached through `require`. An ES module import of a built-in builds a
 * facade of all its exports, and reading them all loads what their lazy getters guard:
 * `node:http`'s loads undici (~25 ms on Node >= 22), `node:util`'s loads worker_threads,
 * parseArgs and more; the AWS SDK's ES build and yargs import them so, where their
 * CommonJS builds required them. A dynamic import() stays native (it is made where the
 * module is needed, and its callers destructure named exports), except the AWS SDK's of
 * `node:http` (made on every first request): that one gets `default`, `Agent` and
 * `request` from the required module. A static import by name gets namedExportsOf's
 * module, a `require` the module itself.
 */
export function builtinsByRequire() {
  const names = builtinModules.filter((name) => !name.startsWith('_'));
  const filter = new RegExp(`^(node:)?(${names.join('|')})$`);
  return {
    name: 'builtins-by-require',
    setup(b) {
      b.onResolve({ filter }, (args) => {
        const name = args.path.replace(/^node:/, '');
        if (args.namespace.startsWith('builtin-by-')) return { path: args.path, external: true };
        if (args.kind === 'import-statement') return { path: name, namespace: 'builtin-by-name' };
        if (args.kind !== 'dynamic-import') return { path: name, namespace: 'builtin-by-require' };
        if (name === 'http') return { path: name, namespace: 'builtin-by-import' };
        return { path: args.path, external: true };
      });
      b.onLoad({ filter: /.*/, namespace: 'builtin-by-require' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(`node:${args.path}`)});`,
        loader: 'js',
      }));
      b.onLoad({ filter: /.*/, namespace: 'builtin-by-name' }, (args) => ({
        contents: namedExportsOf(args.path),
        loader: 'js',
      }));
      b.onLoad({ filter: /^http$/, namespace: 'builtin-by-import' }, () => ({
        contents: [
          "const http = require('node:http');",
          'export default http;',
          'export const { Agent, request } = http;',
        ].join('\n'),
        loader: 'js',
      }));
    },
  };
}

/**
 * An ES module in place of a built-in for the modules that import it by name: each of the
 * built-in's properties is a named export of its own, and esbuild keeps only the ones
 * some module imports (the reads are marked pure). Through `require` alone, every module
 * importing a built-in copied it into a namespace of forwarding getters as it was
 * evaluated (esbuild's CommonJS interop): ~100 copies of up to 154 properties on a
 * decrypt. A property's value is read once, as the built-in is first evaluated, where the
 * getter read it on each use; the names imported (fs.promises, fs.ReadStream and
 * crypto.getRandomValues are Node's lazy getters) are functions and constants that Node
 * never reassigns. A name the built-in does not have on the Node that builds the bundle
 * fails the build ("No matching export").
 */
function namedExportsOf(name) {
  const real = require(`node:${name}`);
  const names = Object.getOwnPropertyNames(real).filter((key) => key !== 'default');
  return [
    `const real = require(${JSON.stringify(`node:${name}`)});`,
    'const read = (key) => real[key];',
    'export default real;',
    ...names.map((key, i) => `const v${i} = /* @__PURE__ */ read(${JSON.stringify(key)});`),
    `export { ${names.map((key, i) => `v${i} as ${JSON.stringify(key)}`).join(', ')} };`,
  ].join('\n');
}

/**
 * Stand-ins: for an import that a rule names (by importer and specifier), esbuild bundles
 * the module the rule generates in place of the one imported. A stand-in reaches the real
 * module with `require(specifier)`, resolved from the importer's directory as the import
 * would have been; esbuild evaluates a module reached by `require` only when it is
 * required. Rules: `{ importer: { test(path) }, specifier: RegExp, contents(specifier) }`,
 * contents returning the stand-in's lines. Each stand-in module is made once per real
 * module: the first rule that matches an import of it decides its contents.
 */
function standIns(namespace, rules) {
  const filter = new RegExp(rules.map((r) => `(${r.specifier.source})`).join('|'));
  return {
    name: namespace,
    setup(b) {
      b.onResolve({ filter }, async (args) => {
        // The stand-in's own require of the real module resolves as usual.
        if (args.namespace === namespace) return undefined;
        const rule = rules.findIndex(
          (r) => r.specifier.test(args.path) && r.importer.test(args.importer),
        );
        if (rule === -1) return undefined;
        // One stand-in per real module: two importers that reach two copies of a package
        // get one stand-in each.
        const real = await b.resolve(args.path, {
          resolveDir: args.resolveDir,
          kind: 'require-call',
          namespace,
        });
        if (real.errors.length > 0) return { errors: real.errors };
        return {
          path: `${real.namespace}:${real.path}`,
          namespace,
          pluginData: { rule, specifier: args.path, resolveDir: args.resolveDir },
        };
      });
      b.onLoad({ filter: /.*/, namespace }, (args) => ({
        contents: rules[args.pluginData.rule].contents(args.pluginData.specifier).join('\n'),
        loader: 'js',
        resolveDir: args.pluginData.resolveDir,
      }));
    },
  };
}

const exactly = (specifier) => new RegExp(`^${specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);

/**
 * Imports used only now and then, made lazy: each function listed for a module, when
 * imported by a module the rule's `importer` matches, becomes a stand-in that loads the
 * real module on its first call. yargs imports `cliui` and `string-width` for help and usage
 * text only, but string-width builds an Intl.Segmenter and compiles Unicode property
 * regexps (`\p{RGI_Emoji}`) as it is evaluated: ~25 ms of every run on Node 24, `decrypt`
 * included. yargs, yargs-parser and y18n import one function of `node:util` each, and on
 * Node 24 importing it through `require` still reads every property of it, which loads
 * worker_threads, parseArgs and more (~2 ms).
 */
export function lazyImports(rules) {
  // One stand-in per module, with every function any rule lists for it.
  const functions = {};
  for (const rule of rules) {
    for (const [name, fns] of Object.entries(rule.functions)) {
      functions[name] = [...new Set([...(functions[name] ?? []), ...fns])];
    }
  }
  return standIns(
    'lazy-import',
    Object.entries(functions).map(([name, fns]) => ({
      importer: { test: (path) => rules.some((r) => r.importer.test(path) && r.functions[name]) },
      specifier: exactly(name),
      contents: (specifier) => [
        'let loaded;',
        `const load = () => (loaded ??= require(${JSON.stringify(specifier)}));`,
        ...fns.map((fn) =>
          fn === 'default'
            ? 'export default function lazyDefault(...a) { const m = load(); return (m.default ?? m)(...a); }'
            : `export function ${fn}(...a) { return load().${fn}(...a); }`,
        ),
      ],
    })),
  );
}

/**
 * yargs checks its own state with `node:assert`'s strictEqual and notStrictEqual on every
 * run; loading node:assert costs ~2.5 ms (its error class sets up terminal colours). These
 * stand-ins compare as those do (Object.is) and call node:assert, loaded then, only when
 * it would throw.
 */
export function assertOnFailure(importer) {
  return standIns('assert-on-failure', [
    {
      importer,
      specifier: /^(node:)?assert$/,
      contents: () => [
        "const real = () => require('node:assert');",
        // The arguments are passed on as given: node:assert (Node >= 26) tells a message
        // passed as undefined from none.
        'export function strictEqual(...args) {',
        '  if (!Object.is(args[0], args[1])) real().strictEqual(...args);',
        '}',
        'export function notStrictEqual(...args) {',
        '  if (Object.is(args[0], args[1])) real().notStrictEqual(...args);',
        '}',
      ],
    },
  ]);
}

/**
 * The Encryption SDK prepares ECDSA at load: asn1.js defines DER shapes (of the signature,
 * of PEM keys) and the curve module computes Montgomery forms of the P-256 and P-384
 * primes with bn.js (~4 ms of every decrypt). Only messages of a signing algorithm suite
 * use them, and the CLI writes none; stand-ins make the same calls on first use. A new SDK
 * version that imports them otherwise fails the build ("No matching export"), not a
 * signature check.
 */
export function lazyEsdkSignatureMath() {
  return standIns('esdk-stand-in', [
    {
      importer:
        /[\\/]@aws-crypto[\\/](serialize|material-management)[\\/].*[\\/](ecdsa_signature|pem_helpers)\.js$/,
      specifier: /^asn1\.js$/,
      contents: (specifier) => [
        'let asn;',
        `const load = () => (asn ??= require(${JSON.stringify(specifier)}));`,
        'export default {',
        '  define(name, body) {',
        '    let entity;',
        '    const get = () => (entity ??= load().define(name, body));',
        '    return { decode: (...a) => get().decode(...a), encode: (...a) => get().encode(...a) };',
        '  },',
        '  get bignum() { return load().bignum; },',
        '};',
      ],
    },
    {
      importer: /[\\/]@aws-crypto[\\/]material-management[\\/].*[\\/]signature_key\.js$/,
      specifier: /^\.\/ecc_decode$/,
      contents: (specifier) => [
        'let curves;',
        `const load = () => (curves ??= require(${JSON.stringify(specifier)}).decodeNamedCurves);`,
        'export const decodeNamedCurves = Object.freeze({',
        ...['prime256v1', 'secp384r1', 'P-256', 'P-384'].map(
          (curve) =>
            `  get ${JSON.stringify(curve)}() { return load()[${JSON.stringify(curve)}]; },`,
        ),
        '});',
      ],
    },
  ]);
}
