import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanStderr, runCli } from './cli.js';

// An endpoint that refuses every call but DescribeKey and quotes the whole request back
// in its error message (body, session token, signature), as a careless proxy or service
// might. Whatever it quotes, the CLI must not print the secret or the credentials.
let server: Server;
let endpoint: string;
const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const SECRET = 'hunter2-do-not-print';
const credentials = {
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'FwoGZXIvYXdzEXAMPLESESSIONTOKENvalue1234567890',
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (String(req.headers['x-amz-target']).endsWith('.DescribeKey')) {
        res.end(
          JSON.stringify({
            KeyMetadata: {
              KeyId: KEY_ARN.split('/')[1],
              Arn: KEY_ARN,
              Enabled: true,
              KeyState: 'Enabled',
              KeyUsage: 'ENCRYPT_DECRYPT',
              KeySpec: 'SYMMETRIC_DEFAULT',
            },
          }),
        );
        return;
      }
      res.statusCode = 400;
      const token = req.headers['x-amz-security-token'];
      res.end(
        JSON.stringify({
          __type: 'ValidationException',
          message: `refused ${body} token=${token} key=${credentials.AWS_SECRET_ACCESS_KEY} auth=${req.headers.authorization}`,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function run(args: string[], input = '') {
  return runCli(args, {
    env: {
      PATH: '/usr/bin:/bin',
      HOME: '/nonexistent',
      AWS_ENDPOINT_URL: endpoint,
      ...credentials,
    },
    input,
  });
}

function expectNothingSensitive(text: string) {
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(Buffer.from(SECRET).toString('base64'));
  expect(text).not.toContain(credentials.AWS_SECRET_ACCESS_KEY);
  expect(text).not.toContain(credentials.AWS_SESSION_TOKEN);
  expect(text).not.toMatch(/Signature=[0-9a-f]{64}/);
}

describe('errors quoting the request back', () => {
  it.each([
    ['direct', ['--scheme', 'direct']],
    ['direct, --verbose', ['--scheme', 'direct', '--verbose']],
    ['envelope, --verbose', ['--verbose']],
  ])('encrypt (%s) prints neither the secret nor the credentials', async (_name, args) => {
    const r = await run(['encrypt', ...args], SECRET);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expectCleanStderr(r.stderr);
    expectNothingSensitive(r.stderr);
    expect(r.stderr).toMatch(/^kms-demo: /m);
  });

  it('the direct scheme, whose request carries the secret, says the text is withheld', async () => {
    const r = await run(['encrypt', '--scheme', 'direct', '--verbose'], SECRET);
    expect(r.stderr).toMatch(
      /^kms-demo: encrypting failed \([A-Z_]+: [^)]+\); its message quoted the secret back, so it is withheld;/m,
    );
    expect(r.stderr).not.toContain('caused by');
  });

  it('status checks print no credentials either', async () => {
    const r = await run(['status']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^table\s+demo-kms\s+default\s+unreachable: ValidationException/m);
    expectNothingSensitive(r.stdout + r.stderr);
  });
});
