import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExport, samples, secretSet, toJsonLines } from './bulk-data.js';
import { bundle, Sandbox } from './cli.js';

let sandbox: Sandbox;
let proxy: Server;
let env: NodeJS.ProcessEnv;
/** Set by the test: called when a TransactWriteItems has been applied upstream. */
let holdNextTransaction: (() => void) | undefined;

beforeAll(async () => {
  sandbox = await Sandbox.create();
  expect((await sandbox.run(['list'])).code).toBe(0); // starts the background server
  const printed = (await sandbox.run(['local', 'env'])).stdout;
  const local = Object.fromEntries(
    [...printed.matchAll(/export (\w+)=['"]?([^'"\n]*)['"]?/g)].map((m) => [m[1], m[2]]),
  );
  const upstream = new URL(String(local.AWS_ENDPOINT_URL));
  // A pass-through proxy that can forward a transaction and then never answer it: the
  // write is applied, and the importer is killed before it learns so.
  proxy = createServer((req, res) => {
    const held =
      req.headers['x-amz-target'] === 'DynamoDB_20120810.TransactWriteItems' && holdNextTransaction;
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        if (held) {
          answer.resume();
          answer.on('end', () => held());
          return;
        }
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(res);
      },
    );
    if (held) holdNextTransaction = undefined;
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  env = sandbox.env({
    AWS_ENDPOINT_URL: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    AWS_ACCESS_KEY_ID: local.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: local.AWS_SECRET_ACCESS_KEY,
    AWS_REGION: local.AWS_REGION,
  });
});
afterAll(async () => {
  proxy?.closeAllConnections();
  proxy?.close();
  await sandbox?.dispose();
});

describe('an import killed between a write and its journal entry', () => {
  it('is resumed without storing any line twice (ids are journaled before the write)', async () => {
    const list = samples(250, 'w');
    const input = join(sandbox.dir, 'in.jsonl');
    await writeFile(input, toJsonLines(list));
    const committed = new Promise<void>((resolve) => {
      holdNextTransaction = resolve;
    });
    const child = spawn(process.execPath, [bundle, 'import', input], { env, stdio: 'ignore' });
    const exited = once(child, 'close');
    await committed;
    child.kill('SIGKILL');
    await exited;

    const again = await sandbox.run(['import', input, '--json'], { env });
    expect(again.code, again.stderr).toBe(0);
    const counts = JSON.parse(again.stdout);
    expect(counts).toMatchObject({ failed: 0 });
    // The held transaction was applied: its lines count as done, not stored again. It is
    // whichever batch of 100, 100 and 50 reached the proxy first, so at least 50.
    expect(counts.alreadyDone).toBeGreaterThanOrEqual(50);
    expect(counts.alreadyDone + counts.imported).toBe(250);
    const out = await sandbox.run(['export'], { env });
    expect(out.code, out.stderr).toBe(0);
    const back = parseExport(out.stdout);
    expect(back.size).toBe(250);
    expect(secretSet(back.values())).toEqual(secretSet(list.map((s) => s.secret)));
  }, 180_000);
});
