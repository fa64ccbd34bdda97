import type { Argv, CommandModule } from 'yargs';
import type { Resolved, ResolvedConfig } from '../config/types.js';
import type { GlobalOptions } from '../global-options.js';
import { displayPath, green, out, outJson, red } from '../io/output.js';
import { addSensitive, redact } from '../io/redact.js';
import { formatTable } from '../io/table.js';

const CHECK_TIMEOUT_MS = 5_000;
/** Not a valid user id (ids start with a letter or digit), so no stored item can have it. */
export const STATUS_PROBE_ID = '__kms-demo-status-probe__';

interface Row {
  setting: string;
  value: string;
  source: string;
  check?: string;
  ok?: boolean;
}

export const statusCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'status',
  describe:
    'Show the key, table, region and endpoint in use, where each came from, and reachability',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .example('$0 status', 'What the other commands would use, and why')
      .example('$0 status --stack prod', 'The same for another Pulumi stack')
      .example(
        '$0 status --json',
        'As JSON: each setting { value, source }, and for key and table reachable (true/false) and check (text)',
      ),
  handler: async (argv) => {
    const { resolveConfig } = await import('../config/resolve-config.js');
    const { findRunningServer, serverCredentials } = await import('@kms-demo/local-aws/state');
    const { createClients } = await import('../session.js');
    const { CLI_PRINCIPAL, describePrincipal } = await import('../connect-target.js');
    const { serverOrigin } = await import('../local/server-meta.js');
    const config = await resolveConfig(argv);
    const row = (setting: string, r: Resolved): Row => ({
      setting,
      value: r.value,
      source: r.source,
    });
    const key = row('key', config.key);
    const table = row('table', config.table);
    const rows: Row[] = [key, table];

    let local: Parameters<typeof createClients>[1];
    let reachableTarget = true;
    if (config.target === 'local') {
      const { prepareStateDir } = await import('../config/state-dir.js');
      await prepareStateDir(config.stateDir);
      const stateDir = config.stateDir.value;
      const server = await findRunningServer(stateDir);
      if (server) {
        const origin = serverOrigin(server.meta);
        const credentials = await serverCredentials(stateDir, CLI_PRINCIPAL);
        addSensitive(credentials.secretAccessKey);
        local = { ...server, started: false, origin, credentials, principal: CLI_PRINCIPAL };
        rows.push({ setting: 'region', value: server.region, source: 'local server' });
        rows.push({
          setting: 'endpoint',
          value: server.endpoint,
          source: `local server (pid ${server.pid})`,
          ...(origin === 'stale-background'
            ? { check: 'another build; used as it is until it idles out' }
            : {}),
        });
      } else {
        reachableTarget = false;
        rows.push({
          setting: 'endpoint',
          value: 'local emulator, not running',
          source: 'embedded default',
          check: 'started by the next command',
        });
      }
      rows.push(row('state', config.stateDir));
      rows.push({
        setting: 'identity',
        value: describePrincipal(CLI_PRINCIPAL),
        source: 'local credentials',
      });
    } else {
      rows.push(row('region', config.region));
      rows.push(
        config.endpoint
          ? row('endpoint', config.endpoint)
          : { setting: 'endpoint', value: 'AWS', source: 'default' },
      );
      if (config.profile) rows.push(row('profile', config.profile));
      rows.push({
        setting: 'identity',
        value: await callerArn(config, argv.verbose === true),
        source: 'sts get-caller-identity',
      });
    }

    if (reachableTarget) {
      const clients = createClients(config, local, {
        maxAttempts: 1,
        verbose: argv.verbose === true,
      });
      try {
        const [keyCheck, tableCheck] = await Promise.all([
          check(async (abortSignal) => {
            const r = await clients.kms.describeKey({ KeyId: config.key.value }, { abortSignal });
            return {
              ok: r.KeyMetadata?.Enabled === true,
              text: `${r.KeyMetadata?.KeyState}: ${r.KeyMetadata?.Arn}`,
            };
          }),
          check(async (abortSignal) => {
            // The app policy grants the item actions the tool uses, not DescribeTable: a
            // read of an id that can never exist (it is not a valid user id) tells a
            // missing table and a refused one apart without touching any real item.
            const { GetItemCommand } = await import('@aws-sdk/client-dynamodb');
            await clients.dynamodb.send(
              new GetItemCommand({
                TableName: config.table.value,
                Key: { appuser: { S: STATUS_PROBE_ID } },
                ProjectionExpression: 'appuser',
              }),
              { abortSignal },
            );
            return { ok: true };
          }),
        ]);
        Object.assign(key, keyCheck);
        Object.assign(table, tableCheck);
      } finally {
        clients.close();
      }
    }

    if (argv.json) {
      outJson({
        target: config.target,
        ...(config.target === 'aws' && config.stack ? { stack: config.stack } : {}),
        ...(config.note ? { note: config.note } : {}),
        ...(config.target === 'local' && config.ignored ? { ignored: config.ignored } : {}),
        settings: Object.fromEntries(
          rows.map((r) => [
            r.setting,
            {
              value: r.value,
              source: r.source,
              ...(r.ok !== undefined ? { reachable: r.ok } : {}),
              ...(r.check ? { check: r.check } : {}),
            },
          ]),
        ),
      });
    } else {
      const target =
        config.target === 'local'
          ? 'the embedded local emulator'
          : config.stack
            ? `Pulumi stack ${config.stack}`
            : config.endpoint
              ? `the endpoint ${config.endpoint.value}`
              : 'AWS';
      out(`Target: ${target}`);
      if (config.note) out(`Note: ${config.note}`);
      if (config.target === 'local' && config.ignored) {
        out(`Note: ${config.ignored.join(', ')} ignored: the local emulator serves its own region`);
      }
      for (const line of formatTable(
        ['SETTING', 'VALUE', 'FROM', 'CHECK'],
        rows.map((r) => [
          r.setting,
          r.setting === 'state' ? displayPath(r.value) : r.value,
          r.source,
          paint(r),
        ]),
      )) {
        out(line);
      }
    }
    if (rows.some((r) => r.ok === false)) process.exitCode = 1;
  },
};

/**
 * The caller's ARN if sts:GetCallerIdentity answers (every identity may call it, but an
 * endpoint or network may not offer it), else "unknown".
 */
async function callerArn(
  config: Extract<ResolvedConfig, { target: 'aws' }>,
  verbose: boolean,
): Promise<string> {
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const { sdkLogger } = await import('../io/sdk-logger.js');
  const sts = new STSClient({
    region: config.region.value,
    ...(config.endpoint ? { endpoint: config.endpoint.value } : {}),
    ...(config.profile ? { profile: config.profile.value } : {}),
    logger: sdkLogger({ verbose }),
    maxAttempts: 1,
  });
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}), {
      abortSignal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
    return identity.Arn ?? 'unknown';
  } catch {
    return 'unknown';
  } finally {
    sts.destroy();
  }
}

/** The check column, green or red on a terminal (last column: colour codes skew no padding). */
function paint(r: Row): string {
  if (r.check === undefined) return '';
  if (r.ok === undefined) return r.check;
  return r.ok ? green(r.check, process.stdout) : red(r.check, process.stdout);
}

async function check(
  probe: (signal: AbortSignal) => Promise<{ ok: boolean; text?: string }>,
): Promise<{ ok: boolean; check: string }> {
  try {
    const { ok, text } = await probe(AbortSignal.timeout(CHECK_TIMEOUT_MS));
    const detail = text ? ` (${text})` : '';
    return { ok, check: ok ? `reachable${detail}` : `not usable${detail}` };
  } catch (error) {
    const e = error as { name?: string; message?: string };
    const message = (e.message ?? String(error)).split('\n')[0];
    const named = `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${message}`;
    const kind =
      e.name === 'ResourceNotFoundException'
        ? 'missing'
        : /AccessDenied|NotAuthorized|UnauthorizedOperation/.test(e.name ?? '')
          ? 'not permitted'
          : 'unreachable';
    return { ok: false, check: redact(`${kind}: ${named}`) };
  }
}
