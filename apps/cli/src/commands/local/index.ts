import type { Argv, CommandModule } from 'yargs';
import type { GlobalOptions } from '../../global-options.js';
import { localEnvCommand } from './env.js';
import { localResetCommand } from './reset.js';
import { localStartCommand } from './start.js';
import { localStatusCommand } from './status.js';
import { localStopCommand } from './stop.js';

export const localCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'local',
  describe: 'Run and inspect the local KMS + DynamoDB emulator (state in KMS_DEMO_HOME)',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .command(localStartCommand as CommandModule<GlobalOptions, object>)
      .command(localEnvCommand)
      .command(localStatusCommand)
      .command(localStopCommand)
      .command(localResetCommand as CommandModule<GlobalOptions, object>)
      .demandCommand(1, 'name a local command: start, env, status, stop or reset')
      .example('$0 local start', 'Serve on http://127.0.0.1:4566 in the foreground')
      .example('vars="$($0 local env)" && eval "$vars"', 'Point the AWS CLI and boto3 at it'),
  handler: () => {},
};
