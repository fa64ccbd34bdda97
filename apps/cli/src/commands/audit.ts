import type { Argv, CommandModule } from 'yargs';
import type { AuditOptions } from '../audit/run-audit.js';
import type { GlobalOptions } from '../global-options.js';

export const auditCommand: CommandModule<GlobalOptions, AuditOptions> = {
  command: 'audit [user]',
  describe: 'Show who used the key for which user, from CloudTrail (never secrets)',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .positional('user', { type: 'string', describe: 'Only the events of this user id' })
      .option('since', {
        type: 'string',
        default: '24h',
        describe: 'How far back: a duration (30m, 1h, 7d, 2w) or an ISO date',
      })
      .option('limit', {
        type: 'number',
        default: 100,
        describe: 'Show at most this many events, the newest',
      })
      .option('all', {
        type: 'boolean',
        describe: "Every KMS event, not only those naming this table's encryption context",
      })
      .option('cache', {
        type: 'boolean',
        default: true,
        describe:
          'Keep a local copy of looked-up events so a repeat audit asks CloudTrail only for new ones; --no-cache asks CloudTrail for every event and leaves the copy alone',
      })
      .example('$0 audit', "This table's KMS events of the last 24 hours")
      .example('$0 audit k3v9x2m7qa --since 7d', 'Who used the key for one user in the last week')
      .example(
        '$0 audit k3v9x2m7qa --no-cache',
        "One user's events of the last 24 hours, from CloudTrail alone (no local copy)",
      )
      .example('$0 audit --json', 'The events as CloudTrail returns them, with the parsed fields')
      .epilogue(
        'Reads CloudTrail LookupEvents, which needs cloudtrail:LookupEvents (the auditor policy, infra output auditPolicyArn). On AWS, events appear about 5 minutes after the call and the lookup covers 90 days. Looked-up events (ids, times, principals, user ids, IPs; never secrets) are kept in the state dir under audit-cache/; every audit still asks CloudTrail first, and shows nothing if it refuses.',
      ) as unknown as Argv<AuditOptions>,
  handler: async (argv) => {
    if (!Number.isInteger(argv.limit) || argv.limit < 1) {
      const { usageError } = await import('../errors.js');
      throw usageError('--limit must be a positive whole number');
    }
    if (argv.user !== undefined) {
      const { checkUserId } = await import('../io/check-input.js');
      await checkUserId(argv.user);
    }
    const { runAudit } = await import('../audit/run-audit.js');
    await runAudit(argv);
  },
};
