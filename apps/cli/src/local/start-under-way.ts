import { serverStatus } from '@kms-demo/local-aws/state';

/**
 * True while some live process is bringing a server up for `stateDir` (or taking one
 * down): another command holds the start lock, or a server process holds the state dir
 * though no endpoint answers for it yet.
 */
export async function startUnderWay(stateDir: string): Promise<boolean> {
  const status = await serverStatus(stateDir);
  return status.state === 'starting' || status.state === 'unresponsive';
}
