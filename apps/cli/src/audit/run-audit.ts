import { failedError } from '../errors.js';
import type { GlobalOptions } from '../global-options.js';
import { out, outJson, printable, say } from '../io/output.js';
import { addSensitive } from '../io/redact.js';
import { formatTable } from '../io/table.js';
import { connectTarget } from '../session.js';
import { type AuditEvent, isAudited, toAuditEvent } from './audit-event.js';
import { createCloudTrailClient } from './cloudtrail-client.js';
import { lookUpKmsEvents } from './lookup-kms-events.js';
import { parseSince } from './since.js';

export interface AuditOptions extends GlobalOptions {
  user?: string | undefined;
  since: string;
  limit: number;
  all?: boolean | undefined;
}

/**
 * Who used the key for which user: CloudTrail LookupEvents on the resolved target (the
 * local endpoint's trail, or the AWS account's event history), KMS events only, those
 * whose encryption context names this table (and user), newest first.
 */
export async function runAudit(argv: AuditOptions): Promise<void> {
  const since = parseSince(argv.since);
  const { config, local: connection } = await connectTarget(argv);
  // On the local default the audit acts as `auditor`, the principal holding the auditor
  // policy: `app`, which the other commands run as, may not look events up.
  const local =
    connection && config.target === 'local'
      ? { ...connection, credentials: await auditorCredentials(config.stateDir.value) }
      : connection;
  const table = config.table.value;
  if (config.target === 'aws') {
    say(
      'kms-demo: CloudTrail shows an event about 5 minutes after the call, and looks up only the last 90 days of management events',
    );
  }
  const client = createCloudTrailClient(config, local, { verbose: argv.verbose === true });
  const events: AuditEvent[] = [];
  let truncated = false;
  try {
    for await (const found of lookUpKmsEvents(client, since)) {
      const event = toAuditEvent(found);
      if (!event || !isAudited(event, { table, user: argv.user, all: argv.all })) continue;
      if (events.length === argv.limit) {
        truncated = true;
        break;
      }
      events.push(event);
    }
  } catch (error) {
    throw explainLookupError(error);
  } finally {
    client.destroy();
  }
  if (argv.json) {
    outJson(events.map(({ event, record, ...parsed }) => ({ ...parsed, event, record })));
    return;
  }
  const scope = argv.all ? 'all tables' : `table ${table}`;
  const whose = argv.user === undefined ? '' : ` for ${printable(argv.user)}`;
  if (events.length === 0) {
    say(`No KMS events${whose} in ${scope} since ${since.toISOString()}.`);
    return;
  }
  const rows = events.map((e) => [
    e.time.replace(/\.000Z$/, 'Z'),
    printable(e.operation),
    printable(e.principal),
    printable(e.user),
    printable(e.outcome),
    printable(e.sourceIp ?? '-'),
  ]);
  for (const line of formatTable(
    ['TIME', 'OPERATION', 'PRINCIPAL', 'USER', 'OUTCOME', 'SOURCE IP'],
    rows,
  )) {
    out(line);
  }
  say(
    `${events.length} KMS event${events.length === 1 ? '' : 's'}${whose} in ${scope} since ${since.toISOString()}, newest first${truncated ? `; older ones left out (--limit ${argv.limit})` : ''}`,
  );
}

async function auditorCredentials(stateDir: string) {
  const { loadPrincipalCredentials } = await import('@kms-demo/local-aws/state');
  const credentials = await loadPrincipalCredentials(stateDir, 'auditor');
  addSensitive(credentials.secretAccessKey);
  return credentials;
}

/** AccessDenied says which permission is missing and where to get it. */
function explainLookupError(error: unknown): unknown {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'AccessDeniedException' || name === 'AccessDenied') {
    return failedError(
      'kms-demo audit needs cloudtrail:LookupEvents, which the app policy does not grant: attach the auditor policy (in infra/: pulumi stack output auditPolicyArn) to the identity running the audit, or run it as one that has it',
      error,
    );
  }
  return error;
}
