import type { Argv, CommandModule } from 'yargs';
import { exitCodeFor } from '../error-boundary.js';
import { configError, EXIT_USAGE, failedError, usageError } from '../errors.js';
import type { GlobalOptions } from '../global-options.js';
import { assertStdoutOpen, out, outJson, say } from '../io/output.js';
import { mentionsSecret } from '../io/redact.js';
import type { Session } from '../session.js';

interface EncryptOptions extends GlobalOptions {
  secret?: string;
  user?: string;
  scheme?: 'envelope' | 'direct';
}

export const encryptCommand: CommandModule<GlobalOptions, EncryptOptions> = {
  command: 'encrypt [secret]',
  describe: 'Encrypt a secret with KMS and store it in DynamoDB; prints the new user id',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .positional('secret', {
        type: 'string',
        describe:
          "The secret (discouraged: visible in shell history and ps; pipe it instead); '-' reads stdin",
      })
      .option('user', {
        alias: 'u',
        type: 'string',
        describe: 'Store under this user id instead of a new random one (fails if it exists)',
      })
      .option('scheme', {
        choices: ['envelope', 'direct'] as const,
        describe: 'envelope: Encryption SDK data key; direct: KMS Encrypt (max 4 KiB)',
      })
      .example('$0 encrypt', 'Prompt for the secret (hidden, asked twice)')
      .example(
        'printf \'%s\' "$PW" | $0 encrypt',
        'Read the secret from stdin (one trailing \\n or \\r\\n is dropped)',
      )
      .example('ID=$(kms-demo encrypt < secret.txt)', 'Capture the new id in a shell variable')
      .example('$0 encrypt --json -u alice', 'Store as user alice and print JSON'),
  handler: async (argv) => {
    const { checkSecretSize, checkUserId } = await import('../io/check-input.js');
    const { readSecret } = await import('../io/secret-input.js');
    // yargs makes a repeated option an array, and a valueless one an empty string: both
    // are mistakes about --user, not about an id.
    if (Array.isArray(argv.user)) {
      throw usageError('--user was given more than once; give it once, with one id');
    }
    if (argv.user === '') throw usageError('--user needs an id: kms-demo encrypt --user <id>');
    if (argv.user !== undefined) await checkUserId(argv.user);
    // The secret is read and checked before anything is resolved or contacted: a bad one
    // is a single usage line, and a good one is never kept waiting on the network.
    const secret = await readSecret({ argvSecret: argv.secret });
    let session: Session | undefined;
    try {
      await checkSecretSize(secret, argv.scheme ?? 'envelope');
      const { startSession } = await import('../start-session.js');
      session = await startSession(argv);
      say('-->> Encrypting your very secret password');
      const info = await session.store.put(secret, {
        ...(argv.user !== undefined ? { appuser: argv.user } : {}),
        ...(argv.scheme !== undefined ? { scheme: argv.scheme } : {}),
      });
      const table = session.config.table.value;
      try {
        assertStdoutOpen();
        if (argv.json) {
          outJson({ appuser: info.appuser, scheme: info.scheme, keyArn: info.keyArn, table });
        } else {
          out(info.appuser);
        }
      } catch (error) {
        // The item is stored: its id must not be lost with the output.
        throw failedError(
          `stdout is closed, so the new id could not be printed; the secret was stored as user ${info.appuser} in table ${table}`,
          error,
        );
      }
      say(`A new encrypted password for user: ${info.appuser} has been stored in table ${table}`);
    } catch (error) {
      if (argv.user !== undefined && (error as { code?: unknown }).code === 'CONFLICT') {
        // Our own message, built from the id alone: safe to say whatever the secret is.
        throw failedError(
          `an item with id '${argv.user}' already exists and is never overwritten; choose another id, or delete that item first`,
        );
      }
      if (mentionsSecret(error, secret)) {
        // Some endpoint echoed the request; its text cannot be shown, nor its causes. The
        // exit code still tells a usage or configuration error from a failed operation.
        const withheld = `encrypting failed (${failureKind(error, secret)}); its message quoted the secret back, so it is withheld; check the key and endpoint with 'kms-demo status'`;
        throw exitCodeFor(error) === EXIT_USAGE ? configError(withheld) : failedError(withheld);
      }
      throw error;
    } finally {
      secret.fill(0);
      session?.close();
    }
  },
};

/** What a core error code means, in a few words that cannot hold the secret. */
const KINDS: Record<string, string> = {
  KEY_UNAVAILABLE: 'the key was refused',
  TABLE_NOT_FOUND: 'the table was not found',
  THROTTLED: 'requests were throttled',
  CONFLICT: 'the id is taken',
  TOO_LARGE: 'the secret is too large',
  INVALID_SECRET: 'the secret was refused',
  AWS_ERROR: 'AWS refused the request',
};

/**
 * The kind of a withheld failure: core's code, or an AWS error's name (a word from the
 * response, so it is checked for the secret like the message was).
 */
function failureKind(error: unknown, secret: Uint8Array): string {
  const e = error as { name?: unknown; code?: unknown; $metadata?: unknown };
  if (e?.name === 'KmsDemoError' && typeof e.code === 'string') {
    return `${e.code}: ${KINDS[e.code] ?? 'see kms-demo status'}`;
  }
  const name = typeof e?.name === 'string' ? e.name : '';
  if (/^[A-Za-z.#]{1,80}$/.test(name) && !mentionsSecret(new Error(name), secret)) return name;
  return 'an unexpected error';
}
