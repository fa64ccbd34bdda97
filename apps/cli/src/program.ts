import yargs, { type Argv } from 'yargs';
import { auditCommand } from './commands/audit.js';
import { decryptCommand } from './commands/decrypt.js';
import { deleteCommand } from './commands/delete.js';
import { encryptCommand } from './commands/encrypt.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { listCommand } from './commands/list.js';
import { localCommand } from './commands/local/index.js';
import { migrateCommand } from './commands/migrate.js';
import { showCommand } from './commands/show.js';
import { statusCommand } from './commands/status.js';
import { ParseError } from './errors.js';
import { type GlobalOptions, withGlobalOptions } from './global-options.js';
import { VERSION } from './version.js';

const EPILOGUE = [
  "Start here: 'kms-demo encrypt' asks for a secret (hidden) and prints its new id;",
  "'kms-demo decrypt <id>' prints the secret back. 'pnpm demo' walks through both.",
  '',
  'With no configuration, secrets live in an embedded local emulator, its state in',
  '$KMS_DEMO_HOME, else $XDG_STATE_HOME/kms-demo, else ~/.local/state/kms-demo. After',
  '`cd infra && pulumi up` the same commands use the deployed key and table.',
  '`kms-demo status` shows what is used and why.',
].join('\n');

/** Help is printed: asked for, or nothing asked at all (main.ts shows the overview). */
const wantsHelp = (args: string[]) =>
  args.length === 0 || args.some((a) => a === '--help' || a === '-h');

interface YargsUsageInternals {
  getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } };
}

/**
 * yargs renders the whole help text after starting every command's handler, in case the
 * handler shows it (none of ours does): laying out every line of it measures each string's
 * terminal width, ~20 ms of a command's start-up. Outside --help that rendering is
 * skipped. It goes through a yargs internal; if that ever changes, yargs just renders.
 */
function skipHelpRendering(program: Argv<GlobalOptions>): void {
  const usage = (program as YargsUsageInternals).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

/**
 * The yargs program. Command modules only describe their options here; their handlers
 * import the heavy parts (AWS SDK, core, emulator) when they run.
 */
export function createProgram(
  args: string[],
  restore: (value: string) => string = (value) => value,
): Argv<GlobalOptions> {
  const program = withGlobalOptions(yargs(args));
  if (!wantsHelp(args)) skipHelpRendering(program);
  return program
    .scriptName('kms-demo')
    .usage('$0 <command> [options]\n\nEncrypt secrets with AWS KMS and store them in DynamoDB.')
    .command(encryptCommand)
    .command(decryptCommand)
    .command(listCommand)
    .command(showCommand)
    .command(deleteCommand)
    .command(migrateCommand)
    .command(importCommand)
    .command(exportCommand)
    .command(statusCommand)
    .command(auditCommand)
    .command(localCommand)
    .demandCommand(1, 'name a command')
    .example('$0 encrypt', 'Prompt for a secret, store it encrypted, print its new id')
    .example("printf 'mySuperSecretPasswd' | $0 encrypt", 'The same, the secret from stdin')
    .example('$0 decrypt <id>', 'Print the secret stored for <id>')
    .example('$0 status', 'Show which key, table and endpoint are used, and why')
    .epilogue(EPILOGUE)
    .strict()
    .recommendCommands()
    .version(VERSION)
    .help()
    .alias('help', 'h')
    .wrap(Math.min(100, process.stdout.columns || 100))
    .showHelpOnFail(false)
    .middleware((argv) => restoreOperands(argv, restore))
    .fail((message, error) => {
      if (error) throw error;
      // yargs checks for a missing command or positional before it checks for unknown
      // options, so `decrypt --bogus abc` (abc taken as --bogus's value) would be called a
      // missing id: name the unknown option instead, as strict mode does elsewhere.
      if (/^Not enough non-option arguments|^name a command$/.test(message)) {
        // getOptions is public in yargs, though missing from its type declarations.
        const { getOptions } = program as unknown as { getOptions(): KnownOptions };
        const unknown = firstUnknownOption(args, getOptions.call(program));
        if (unknown !== undefined) throw new ParseError(`Unknown argument: ${unknown}`);
      }
      // yargs reports a mistyped command only as its suggestion.
      throw new ParseError(
        message.replace(/^Did you mean (.+)\?$/, "unknown command; did you mean '$1'?"),
      );
    });
}

/** Puts the words protectOperands replaced back into the parsed arguments. */
function restoreOperands(argv: Record<string, unknown>, restore: (value: string) => string): void {
  for (const [name, value] of Object.entries(argv)) {
    if (typeof value === 'string') argv[name] = restore(value);
    else if (Array.isArray(value)) {
      argv[name] = value.map((v) => (typeof v === 'string' ? restore(v) : v));
    }
  }
}

interface KnownOptions {
  key: Record<string, unknown>;
  alias: Record<string, string[]>;
}

/** The first option in `args` that the current command does not define, by name. */
function firstUnknownOption(args: string[], options: KnownOptions): string | undefined {
  const known = new Set(Object.keys(options.key));
  for (const [name, aliases] of Object.entries(options.alias)) {
    known.add(name);
    for (const alias of aliases) known.add(alias);
  }
  const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  const isKnown = (name: string) =>
    known.has(name) ||
    known.has(camel(name)) ||
    (name.startsWith('no-') && known.has(camel(name.slice(3))));
  for (const arg of args) {
    if (arg === '-' || !arg.startsWith('-')) continue;
    if (arg.startsWith('--')) {
      const name = arg.slice(2).split('=')[0] ?? '';
      if (!isKnown(name)) return name;
    } else {
      for (const letter of Array.from(arg.slice(1).split('=')[0] ?? '')) {
        if (!isKnown(letter)) return letter;
      }
    }
  }
  return undefined;
}
