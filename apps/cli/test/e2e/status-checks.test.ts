import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';

// An endpoint that knows the key and answers DescribeTable as ACTIVE, but answers item
// reads as told: the app policy of infra/ grants the item actions only, so status must
// judge the table by an item read.
let server: Server;
let endpoint: string;
let itemAnswer: { status: number; body: object };
const requests: Array<{ target: string; body: string }> = [];
const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target']);
      requests.push({ target, body });
      res.setHeader('content-type', 'application/x-amz-json-1.0');
      if (target.endsWith('.DescribeKey')) {
        res.end(
          JSON.stringify({ KeyMetadata: { Arn: KEY_ARN, Enabled: true, KeyState: 'Enabled' } }),
        );
      } else if (target.endsWith('.DescribeTable')) {
        res.end(JSON.stringify({ Table: { TableName: 'demo-kms', TableStatus: 'ACTIVE' } }));
      } else {
        res.statusCode = itemAnswer.status;
        res.end(JSON.stringify(itemAnswer.body));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const status = () =>
  runCli(['status'], {
    env: {
      PATH: '/usr/bin:/bin',
      HOME: '/nonexistent',
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    },
  });

describe('status checks the table with an item read the app policy grants', () => {
  it('reads an id no item can have, and calls the table reachable when that works', async () => {
    itemAnswer = { status: 200, body: {} };
    requests.length = 0;
    const r = await status();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^table\s+demo-kms\s+default\s+reachable$/m);
    const targets = requests.map((q) => q.target);
    expect(targets).toContain('DynamoDB_20120810.GetItem');
    expect(targets).not.toContain('DynamoDB_20120810.DescribeTable');
    const read = requests.find((q) => q.target.endsWith('.GetItem'));
    expect(JSON.parse(read?.body ?? '{}').Key).toEqual({
      appuser: { S: '__kms-demo-status-probe__' },
    });
  });

  it.each([
    ['AccessDeniedException', 'not permitted'],
    ['ResourceNotFoundException', 'missing'],
  ])('says %s as "%s", exit 1', async (type, words) => {
    itemAnswer = { status: 400, body: { __type: `com.amazonaws.dynamodb.v20120810#${type}` } };
    const r = await status();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^table\\s+demo-kms\\s+default\\s+${words}: ${type}`, 'm'));
  });
});
