import type { Argv } from 'yargs';

/** Options every command accepts. Credentials are never taken from flags. */
export interface GlobalOptions {
  stack?: string;
  key?: string;
  table?: string;
  region?: string;
  endpoint?: string;
  local?: boolean;
  verbose?: boolean;
  json?: boolean;
  timeout?: number;
}

const TARGET = 'Where secrets live (default: flags, then env, then the Pulumi stack, then local):';
const OUTPUT = 'Output:';

export function withGlobalOptions<T>(y: Argv<T>): Argv<T & GlobalOptions> {
  return y
    .option('stack', {
      type: 'string',
      describe: 'Pulumi stack of infra/ to read the key and table from [env: KMS_DEMO_STACK]',
      group: TARGET,
    })
    .option('key', {
      type: 'string',
      describe: 'KMS key id, ARN or alias [env: KMS_DEMO_KEY]',
      group: TARGET,
    })
    .option('table', {
      type: 'string',
      describe: 'DynamoDB table name [env: KMS_DEMO_TABLE]',
      group: TARGET,
    })
    .option('region', { type: 'string', describe: 'AWS region [env: AWS_REGION]', group: TARGET })
    .option('endpoint', {
      type: 'string',
      describe: 'Endpoint URL for KMS and DynamoDB [env: AWS_ENDPOINT_URL]',
      group: TARGET,
    })
    .option('local', {
      type: 'boolean',
      describe: 'Use the embedded local emulator, whatever else is configured',
      group: TARGET,
    })
    .conflicts('local', ['stack', 'endpoint'])
    .option('json', { type: 'boolean', describe: 'Print machine-readable JSON', group: OUTPUT })
    .option('timeout', {
      type: 'number',
      describe:
        'Give up on the AWS calls after this many seconds, retries included (default 60; none for import and export)',
      group: TARGET,
    })
    .option('verbose', {
      type: 'boolean',
      describe: 'Explain failures with their full cause chain',
      group: OUTPUT,
    }) as unknown as Argv<T & GlobalOptions>;
}
