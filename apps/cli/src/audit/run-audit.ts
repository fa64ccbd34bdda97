import type { Event } from '@aws-sdk/client-cloudtrail';
import { connectTarget } from '../connect-target.js';
import { failedError } from '../errors.js';
import type { GlobalOptions } from '../global-options.js';
import { displayPath, out, outJson, printable, say } from '../io/output.js';
import { addSensitive } from '../io/redact.js';
import { formatTable } from '../io/table.js';
import { isAudited, jsonView } from './audit-event.js';
import { openCache } from './cache-location.js';
import { createCloudTrailClient } from './cloudtrail-client.js';
import { CacheDamagedError } from './event-cache.js';
import {
  type AuditAnswer,
  type AuditQuery,
  findEventsCached,
  findEventsLive,
} from './find-events.js';
import { parseSince } from './since.js';

/** CloudTrail shows an event about 5 minutes after the call, sometimes later. */
const AWS_LATE_EVENTS_MS = 15 * 60_000;

export interface AuditOptions extends GlobalOptions {
  user?: string | undefined;
  since: string;
  limit: number;
  all?: boolean | undefined;
  /** false (--no-cache): ask CloudTrail for every event, neither read nor write the cache. */
  cache?: boolean | undefined;
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
  const query: AuditQuery = {
    since: since.getTime(),
    limit: argv.limit,
    matches: (e) => isAudited(e, { table, user: argv.user, all: argv.all }),
    // Ids are letters, digits and dashes, which JSON never escapes.
    hint: argv.user,
  };
  let found: AuditAnswer;
  let records: Event[] | undefined;
  try {
    const cache = argv.cache === false ? undefined : await openCache(config);
    const options = {
      now: Date.now(),
      overlapMs: config.target === 'local' ? 0 : AWS_LATE_EVENTS_MS,
      notice: say,
    };
    found = cache
      ? await findEventsCached(client, cache, query, options)
      : await findEventsLive(client, query);
    try {
      if (argv.json) records = await found.records();
    } catch (error) {
      if (!(error instanceof CacheDamagedError) || !cache) throw error;
      await found.close();
      say(
        `kms-demo: note: the audit cache in ${displayPath(cache.dir)} is damaged (${error.message}); rebuilding it from CloudTrail`,
      );
      await cache.discard();
      found = await findEventsCached(client, cache, query, options);
      records = await found.records();
    } finally {
      await found.close();
    }
  } catch (error) {
    throw explainLookupError(error);
  } finally {
    client.destroy();
  }
  const events = found.events;
  const truncated = found.truncated;
  if (argv.json) {
    outJson(events.map((e, i) => jsonView(e, (records as Event[])[i] as Event)));
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
