import { protectOperands, restoreInText } from './argv-operands.js';
import { bareDecryptUser } from './bare-decrypt.js';
import { reportError } from './error-boundary.js';
import { EXIT_USAGE, failedError, ParseError } from './errors.js';
import { outJson } from './io/output.js';
import { addSensitiveFromEnv } from './io/redact.js';
import { VERSION } from './version.js';

// The AWS SDK warns on every run under Node 20 that future releases need Node 22. That
// is for the developers of this tool, not its users; this variable is the SDK's
// documented switch for exactly that warning, and leaves every other warning alone.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const COMMANDS = [
  'encrypt',
  'decrypt',
  'list',
  'ls',
  'show',
  'delete',
  'rm',
  'migrate',
  'status',
  'import',
  'export',
  'audit',
];
const LOCAL_COMMANDS = ['start', 'env', 'status', 'stop', 'reset'];

/** Commands whose one argument is a user id. */
const USER_COMMANDS = new Set(['decrypt', 'show', 'delete', 'rm']);

/**
 * yargs' wording, in the user's terms: the command they mistyped, the argument they left
 * out, and where the usage is.
 */
function explainParseError(message: string, args: string[]): string {
  const [first] = args.filter((a) => !a.startsWith('-'));
  const known = first !== undefined && (COMMANDS.includes(first) || first === 'local');
  let text = message;
  if (first !== undefined && !known && /^Unknown arguments?: /.test(message)) {
    text = `unknown command '${first}'`;
  } else if (first === 'encrypt' && quotesPositional(message, args)) {
    // yargs names extra positionals by their value, and for encrypt that value is part
    // of a secret (`kms-demo encrypt my secret`): say what is wrong without quoting it.
    text =
      'encrypt takes at most one secret argument; quote it, or better pipe it in or use the prompt';
  } else if (/^Invalid values?:/.test(message)) {
    // yargs quotes the value given; an option's choices are all the user needs.
    const choice = /Argument: ([\w-]+),.*Choices: (.+)$/.exec(oneLine(message));
    if (choice) text = `--${choice[1]} must be one of ${choice[2]?.replaceAll('"', '')}`;
  } else if (/^Not enough non-option arguments/.test(message) && USER_COMMANDS.has(first ?? '')) {
    text = `missing the user id: kms-demo ${first} <user>`;
  }
  return `${text} (see '${helpFor(args)}')`;
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');

/**
 * True when an unknown-argument message names something that is not an option the user
 * typed (`--name`, `--name=…`, `-n`): then it names a positional by its value.
 */
function quotesPositional(message: string, args: string[]): boolean {
  const listed = /^Unknown arguments?: (.+)$/.exec(oneLine(message).trim());
  if (!listed?.[1]) return false;
  const options = new Set(
    args.filter((a) => a.startsWith('-')).map((a) => a.replace(/^-+/, '').split('=')[0]),
  );
  const positionals = new Set(args.filter((a) => !a.startsWith('-')));
  return listed[1].split(', ').some((name) => !options.has(name) || positionals.has(name));
}

/** `kms-demo <command> --help` for the command the user typed, if it is one. */
function helpFor(args: string[]): string {
  const [first, second] = args.filter((a) => !a.startsWith('-'));
  if (first === 'local') {
    return second && LOCAL_COMMANDS.includes(second)
      ? `kms-demo local ${second} --help`
      : 'kms-demo local --help';
  }
  return first && COMMANDS.includes(first) ? `kms-demo ${first} --help` : 'kms-demo --help';
}

/**
 * A reader that goes away (`kms-demo list | head -1`) ends the run quietly, as SIGPIPE
 * would; any other failure to write the output is one line on stderr, not a crash.
 */
function guardStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.exitCode = reportError(
      failedError(`cannot write the output (${error.code ?? error.message})`),
    );
    process.exit();
  });
}

async function main(argv: string[]): Promise<void> {
  guardStdout();
  addSensitiveFromEnv();
  const { args, restore } = protectOperands(argv);
  if (args.length === 0) {
    // Nothing asked: the overview is more use than an error line (clig.dev).
    const { createProgram } = await import('./program.js');
    createProgram(args).showHelp((text) => process.stderr.write(`${text}\n`));
    process.exitCode = EXIT_USAGE;
    return;
  }
  const verbose = args.includes('--verbose');
  try {
    if (args.includes('--version') && args.includes('--json') && !args.some(isWord)) {
      outJson({ version: VERSION });
      return;
    }
    const user = bareDecryptUser(args, restore);
    if (user !== undefined) {
      const { runDecrypt } = await import('./commands/decrypt.js');
      await runDecrypt({ user });
      return;
    }
    const { createProgram } = await import('./program.js');
    await createProgram(args, restore).parseAsync();
  } catch (error) {
    const shown =
      error instanceof ParseError
        ? new ParseError(restoreInText(explainParseError(error.message, args), restore))
        : error;
    process.exitCode = reportError(shown, { verbose });
  }
}

/** A command or operand, not an option. */
const isWord = (arg: string) => !arg.startsWith('-');

await main(process.argv.slice(2));
