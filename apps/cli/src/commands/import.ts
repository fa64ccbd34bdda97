import type { Argv, CommandModule } from 'yargs';
import type { GlobalOptions } from '../global-options.js';

interface ImportArgs extends GlobalOptions {
  file?: string;
  format?: 'jsonl' | 'csv';
  dryRun?: boolean;
  concurrency: number;
  rejects?: string;
  journal?: string;
  fromTable?: string;
  encrypted?: boolean;
}

export const importCommand: CommandModule<GlobalOptions, ImportArgs> = {
  command: 'import [file]',
  describe: 'Encrypt and store many secrets from a JSON Lines or CSV file (resumable)',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .positional('file', { type: 'string', describe: "Input file, or '-' for stdin" })
      .option('format', {
        choices: ['jsonl', 'csv'] as const,
        describe: 'Input format (default: from the extension .jsonl/.csv)',
      })
      .option('dry-run', { type: 'boolean', describe: 'Validate the whole input; write nothing' })
      .option('concurrency', {
        type: 'number',
        default: 16,
        describe: 'KMS requests at a time',
      })
      .option('rejects', {
        type: 'string',
        describe: 'Write failed lines here (line, id, reason; never the secret)',
      })
      .option('journal', {
        type: 'string',
        describe: 'Journal file (default: in the state dir, one per input file and table)',
      })
      .option('from-table', {
        type: 'string',
        describe: "Migrate the original demo's table NAME into this one, same ids",
      })
      .option('encrypted', {
        type: 'boolean',
        describe: "Restore an 'export --encrypted' backup into its own table, same ids",
      })
      .conflicts('from-table', ['file', 'encrypted', 'format', 'dry-run'])
      .conflicts('encrypted', ['format', 'dry-run'])
      .example(
        '$0 import secrets.csv --rejects rejects.jsonl',
        'Import a CSV with header appuser,secret',
      )
      .example('$0 import secrets.jsonl --dry-run', 'Check every line, write nothing')
      .example('$0 import --from-table demo-kms-old', "Move the original demo's items here")
      .example('$0 import --encrypted backup.jsonl', "Restore an 'export --encrypted' backup"),
  handler: async (argv) => {
    const { checkConcurrency } = await import('../io/check-input.js');
    await checkConcurrency(argv.concurrency);
    const { runImport } = await import('../bulk/run-import.js');
    await runImport(argv);
  },
};
