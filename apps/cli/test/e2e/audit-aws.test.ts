import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanStderr, runCli } from './cli.js';

/**
 * `kms-demo audit` against an AWS target, played by a small fake CloudTrail endpoint:
 * each test sets the replies it hands out in order.
 */
let server: Server;
let endpoint: string;
let home: string;
let replies: { status: number; body: unknown }[] = [];
const targets: string[] = [];
const bodies: Record<string, unknown>[] = [];

function event(id: number, user: string, errorCode?: string) {
  return eventAt(`e${id}`, `2026-01-0${id}T10:00:00Z`, user, errorCode);
}

function eventAt(id: string, eventTime: string, user: string, errorCode?: string) {
  const record = {
    eventID: id,
    eventVersion: '1.08',
    userIdentity: {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::123456789012:assumed-role/App/s',
      sessionContext: { sessionIssuer: { userName: 'App' } },
    },
    eventTime,
    eventSource: 'kms.amazonaws.com',
    eventName: 'Decrypt',
    sourceIPAddress: '192.0.2.7',
    ...(errorCode ? { errorCode, errorMessage: 'denied' } : {}),
    requestParameters: { encryptionContext: { table: 'demo-kms', appuser: user } },
  };
  return {
    EventId: id,
    EventName: 'Decrypt',
    EventTime: Date.parse(record.eventTime) / 1000,
    EventSource: 'kms.amazonaws.com',
    CloudTrailEvent: JSON.stringify(record),
  };
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kms-demo-audit-aws-'));
  server = createServer((req, res) => {
    targets.push(String(req.headers['x-amz-target']));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      const reply = replies.shift() ?? { status: 200, body: { Events: [] } };
      res.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await rm(home, { recursive: true, force: true });
});

const audit = (args: string[], state = join(home, 'state')) =>
  runCli(
    [
      'audit',
      ...args,
      '--endpoint',
      endpoint,
      '--region',
      'us-east-1',
      '--table',
      'demo-kms',
      '--key',
      'alias/demo-kms',
    ],
    {
      env: {
        PATH: process.env.PATH,
        HOME: home,
        KMS_DEMO_HOME: state,
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'x'.repeat(40),
        AWS_CONFIG_FILE: join(home, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
      },
    },
  );

describe('kms-demo audit on AWS', () => {
  it('says once that events take about 5 minutes, follows NextToken and absorbs throttling', async () => {
    targets.length = 0;
    replies = [
      { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } },
      { status: 200, body: { Events: [event(3, 'bob'), event(2, 'carol')], NextToken: 't1' } },
      { status: 200, body: { Events: [event(1, 'bob', 'AccessDenied')] } },
    ];
    const r = await audit(['bob', '--since', '2025-12-31']);
    expectCleanStderr(r.stderr);
    expect(r.code, r.stderr).toBe(0);
    expect(targets).toEqual(Array(3).fill('CloudTrail_20131101.LookupEvents'));
    expect(r.stderr.match(/about 5 minutes/g)).toHaveLength(1);
    expect(r.stderr).toContain('90 days');
    const rows = r.stdout
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s+/));
    expect(rows).toEqual([
      ['2026-01-03T10:00:00Z', 'Decrypt', 'App', 'bob', 'ok', '192.0.2.7'],
      ['2026-01-01T10:00:00Z', 'Decrypt', 'App', 'bob', 'AccessDenied', '192.0.2.7'],
    ]);
  });

  it('on AccessDenied names the missing cloudtrail:LookupEvents and the auditor policy, exit 1', async () => {
    replies = [
      {
        status: 400,
        body: {
          __type: 'AccessDeniedException',
          message:
            'User: arn:aws:iam::123456789012:user/app is not authorized to perform: cloudtrail:LookupEvents',
        },
      },
    ];
    const r = await audit([]);
    expectCleanStderr(r.stderr);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/needs cloudtrail:LookupEvents, which the app policy does not grant/);
    expect(r.stderr).toContain('auditPolicyArn');
  });
});

describe('kms-demo audit on AWS, with its local cache', () => {
  const now = Math.floor(Date.now() / 1000) * 1000;
  const ago = (minutes: number) => new Date(now - minutes * 60_000).toISOString();
  const rows = (stdout: string) =>
    stdout
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s+/)[0]);

  it('asks again from the newest cached event less 15 minutes, adds late events once, and shows nothing when refused', async () => {
    const state = join(home, 'state-cache');
    replies = [
      {
        status: 200,
        body: { Events: [eventAt('n1', ago(30), 'bob'), eventAt('n2', ago(60), 'bob')] },
      },
    ];
    const first = await audit(['bob'], state);
    expect(first.code, first.stderr).toBe(0);
    expect(rows(first.stdout)).toEqual([ago(30), ago(60)].map((t) => t.replace('.000Z', 'Z')));

    targets.length = 0;
    bodies.length = 0;
    // A new event, one that CloudTrail delivered late (older than the newest cached), and
    // the newest cached one again (the overlap).
    replies = [
      {
        status: 200,
        body: {
          Events: [
            eventAt('n3', ago(5), 'bob'),
            eventAt('n1', ago(30), 'bob'),
            eventAt('late', ago(40), 'bob'),
          ],
        },
      },
    ];
    const second = await audit(['bob', '--json'], state);
    expectCleanStderr(second.stderr);
    expect(second.code, second.stderr).toBe(0);
    expect(targets).toEqual(['CloudTrail_20131101.LookupEvents']);
    expect(bodies[0]?.StartTime).toBe((now - 30 * 60_000) / 1000 - 15 * 60);
    const events = JSON.parse(second.stdout) as { event: { EventId: string } }[];
    expect(events.map((e) => e.event.EventId)).toEqual(['n3', 'n1', 'late', 'n2']);

    replies = [
      {
        status: 400,
        body: {
          __type: 'AccessDeniedException',
          message: 'not authorized to perform: cloudtrail:LookupEvents',
        },
      },
    ];
    const refused = await audit(['bob'], state);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).not.toMatch(/Decrypt|192\.0\.2\.7/);

    // Another account behind the same settings: none of the newest cached event.
    replies = [{ status: 200, body: { Events: [eventAt('other', ago(1), 'bob')] } }];
    const other = await audit(['bob', '--json'], state);
    expect(other.code, other.stderr).toBe(0);
    expect(other.stderr).toMatch(/audit cache no longer matches CloudTrail/);
    expect(
      (JSON.parse(other.stdout) as { event: { EventId: string } }[]).map((e) => e.event.EventId),
    ).toEqual(['other']);
  });
});
