import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kmsClient } from './support/clients.js';
import { startTempServer } from './support/temp-server.js';
import { awsCliUnavailable, isolatedAwsEnv, run } from './support/third-party-clients.js';

const noCli = awsCliUnavailable();
const CALLS = 73;

describe.skipIf(noCli)('aws cloudtrail lookup-events against the local trail', () => {
  let server: Awaited<ReturnType<typeof startTempServer>>;
  let workDir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    server = await startTempServer({ bootstrap: true });
    workDir = await mkdtemp(join(tmpdir(), 'kms-demo-trail-cli-'));
    const emptyFile = join(workDir, 'empty-aws-config');
    await writeFile(emptyFile, '');
    env = { ...isolatedAwsEnv(server, emptyFile), AWS_ENDPOINT_URL: server.endpoint };
    const kms = kmsClient(server);
    for (let i = 0; i < CALLS; i++) {
      await kms.send(
        new GenerateDataKeyCommand({
          KeyId: 'alias/demo-kms',
          KeySpec: 'AES_256',
          EncryptionContext: { appuser: `cli-${i}` },
        }),
      );
    }
    kms.destroy();
  });

  afterAll(async () => {
    await server?.dispose();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  const lookUp = (...extra: string[]) =>
    run(
      'aws',
      [
        '--endpoint-url',
        server.endpoint,
        'cloudtrail',
        'lookup-events',
        '--lookup-attributes',
        'AttributeKey=EventSource,AttributeValue=kms.amazonaws.com',
        '--output',
        'json',
        ...extra,
      ],
      env,
    );

  it('pages over more than 50 events with NextToken, newest first', async () => {
    // The AWS CLI follows NextToken by itself; 50 per page is LookupEvents' maximum.
    const result = await lookUp('--page-size', '50');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { Events } = JSON.parse(result.stdout) as {
      Events: { EventName: string; CloudTrailEvent: string }[];
    };
    const generated = Events.filter((e) => e.EventName === 'GenerateDataKey');
    expect(generated).toHaveLength(CALLS);
    const users = generated.map(
      (e) => JSON.parse(e.CloudTrailEvent).requestParameters.encryptionContext.appuser,
    );
    expect(users).toEqual(Array.from({ length: CALLS }, (_, i) => `cli-${CALLS - 1 - i}`));
  });

  it('hands out a NextToken the CLI can come back with', async () => {
    const first = await lookUp('--max-items', '10');
    expect(first.code).toBe(0);
    const page = JSON.parse(first.stdout) as { Events: unknown[]; NextToken?: string };
    expect(page.Events).toHaveLength(10);
    expect(page.NextToken).toBeDefined();
    const rest = await lookUp('--starting-token', page.NextToken as string);
    expect(rest.code).toBe(0);
    const { Events } = JSON.parse(rest.stdout) as { Events: unknown[] };
    expect(Events.length + 10).toBeGreaterThanOrEqual(CALLS);
  });

  it('answers a MaxResults over 50 with InvalidMaxResultsException', async () => {
    const result = await lookUp('--max-results', '51', '--no-paginate');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('InvalidMaxResultsException');
  });
});
