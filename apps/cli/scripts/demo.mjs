// `pnpm demo`: the original demo's walkthrough with the built CLI, on whatever the
// configuration resolves to (the embedded local emulator on a fresh machine, the Pulumi
// stack once deployed): encrypt a sample password, show the stored item, decrypt it.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'kms-demo.js');
const SAMPLE = 'mySuperSecretPasswd';
const colour = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (s) => (colour ? `\u001b[1m${s}\u001b[22m` : s);

let announced = false;

/**
 * Runs the CLI with `input` on stdin. Its stderr (the story) is shown as it comes, except
 * that the one-line notice about the local emulator is shown once, not at every step.
 */
function kmsDemo(args, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks = [];
    child.stdout.on('data', (c) => chunks.push(c));
    createInterface({ input: child.stderr }).on('line', (line) => {
      const notice = line.includes('using the local emulator');
      if (!notice || !announced) process.stderr.write(`${line}\n`);
      announced ||= notice;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = Buffer.concat(chunks).toString('utf8');
      if (code === 0) resolve(stdout);
      else reject(new Error(`'kms-demo ${args.join(' ')}' exited with ${code}`));
    });
    child.stdin.end(input ?? '');
  });
}

function step(n, title, command) {
  console.log(`\n${bold(`${n}. ${title}`)}\n`);
  if (command) console.log(`    $ ${command}\n`);
}

try {
  step(1, 'Encrypt a password string', `printf '${SAMPLE}' | kms-demo encrypt`);
  const id = (await kmsDemo(['encrypt'], SAMPLE)).trim();
  console.log(id);

  step(2, 'Explore the stored item: the password is stored encrypted', `kms-demo show ${id}`);
  process.stdout.write(await kmsDemo(['show', id]));

  step(3, 'Retrieve the decrypted password with the user id', `kms-demo decrypt ${id}`);
  const decrypted = (await kmsDemo(['decrypt', id])).replace(/\n$/, '');
  console.log(`Is this your decrypted password? -> ${decrypted}`);

  step(4, 'Check that it is the password we encrypted');
  if (decrypted !== SAMPLE) throw new Error('the decrypted password differs from the original');
  console.log(`Yes: '${decrypted}' is what step 1 encrypted.`);
  console.log(`\nEncrypt your own: pnpm -s kms-demo encrypt   (asks for it, hidden)`);
} catch (error) {
  console.error(`\ndemo failed: ${error.message}`);
  process.exitCode = 1;
}
