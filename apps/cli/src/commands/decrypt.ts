import type { Argv, CommandModule } from 'yargs';
import { failedError } from '../errors.js';
import type { GlobalOptions } from '../global-options.js';
import { assertStdoutOpen, exitOnceWritten, outBytes, outJson, say } from '../io/output.js';

export interface DecryptOptions extends GlobalOptions {
  user: string;
  allowLegacy?: boolean;
}

/** The environment's way to say --allow-legacy, for scripts that decrypt many items. */
export const ALLOW_LEGACY_ENV = 'KMS_DEMO_ALLOW_LEGACY';

export const decryptCommand: CommandModule<GlobalOptions, DecryptOptions> = {
  command: 'decrypt <user>',
  describe: 'Decrypt the secret stored for a user id; prints the secret alone',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .positional('user', { type: 'string', demandOption: true, describe: 'The user id' })
      .option('allow-legacy', {
        type: 'boolean',
        describe: `Also decrypt an item in the original demo's format, which nothing binds to its user [env: ${ALLOW_LEGACY_ENV}=1]`,
      })
      .example('$0 decrypt k3v9x2m7qa', 'Print the secret followed by one newline')
      .example('PW=$($0 decrypt "$ID")', 'Capture the secret in a shell variable')
      .example('$0 decrypt 12345 --allow-legacy', "Read an item the original demo's scripts wrote")
      .example(
        '$0 decrypt k3v9x2m7qa --json',
        'Print { appuser, scheme, keyArn, encoding, secret }; keyArn is the key that decrypted it; encoding is utf8, or base64 for binary',
      ),
  handler: (argv) => runDecrypt(argv),
};

/** The decrypt command's work, for yargs' handler and for main.ts's bare `decrypt <id>`. */
export async function runDecrypt(argv: DecryptOptions): Promise<void> {
  const { checkUserId } = await import('../io/check-input.js');
  await checkUserId(argv.user);
  // Nothing is decrypted for a stdout that cannot take it.
  assertStdoutOpen();
  const { startSession } = await import('../start-session.js');
  const session = await startSession(argv);
  let output: Buffer | undefined;
  let secret: Uint8Array | undefined;
  try {
    say(`-->> Decrypting the very secret password for user: ${argv.user}`);
    const allowLegacy = argv.allowLegacy === true || process.env[ALLOW_LEGACY_ENV] === '1';
    const item = await session.store.get(argv.user, { allowLegacy }).catch((error: unknown) => {
      if ((error as { code?: unknown }).code !== 'LEGACY_REFUSED') throw error;
      throw failedError(
        `user ${argv.user} is stored in the original demo's format, which is bound to nothing: anyone who can write the table could have put another user's secret there. Not decrypted. If you trust the table's writers, read it with --allow-legacy (or ${ALLOW_LEGACY_ENV}=1), then upgrade it with 'kms-demo migrate ${argv.user}'`,
      );
    });
    secret = item.secret;
    if (argv.json) {
      outJson({
        appuser: item.appuser,
        scheme: item.scheme,
        keyArn: item.keyArn,
        ...jsonSecret(secret),
      });
    } else {
      output = Buffer.alloc(secret.length + 1);
      output.set(secret);
      output[secret.length] = 0x0a;
      await outBytes(output);
    }
    if (item.legacy) {
      say(
        `note: user ${item.appuser} is stored in the original demo's format (raw KMS ciphertext, not bound to its item); upgrade it with 'kms-demo migrate ${item.appuser}'`,
      );
    }
  } finally {
    output?.fill(0);
    secret?.fill(0);
    session.close();
  }
  // Done, and nothing is left to write or wait for (a failure goes on to the error report).
  await exitOnceWritten();
}

/**
 * A JSON string holds text, not bytes: a secret that is not valid UTF-8 would come out
 * with U+FFFD in place of its bytes and could never be recovered, so it goes as base64
 * and `encoding` says which. The strict decoder refuses rather than replaces.
 */
function jsonSecret(secret: Uint8Array): { encoding: 'utf8' | 'base64'; secret: string } {
  try {
    return { encoding: 'utf8', secret: new TextDecoder('utf-8', { fatal: true }).decode(secret) };
  } catch {
    return {
      encoding: 'base64',
      secret: Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength).toString('base64'),
    };
  }
}
