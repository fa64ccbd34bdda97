/** The supported Node release lines (CI runs the CLI's end-to-end suite on each). */
export const SUPPORTED_NODE_MAJORS = [22, 24, 26] as const;

/**
 * One line for a Node older than the oldest supported line: it still runs (Node 20 is
 * tested too), but Node 20 is past its end of life and the AWS SDK's releases from 2027
 * need Node 22. Undefined on a supported or newer Node.
 */
export function nodeNotice(version: string): string | undefined {
  const major = Number(version.replace(/^v/, '').split('.')[0]);
  if (!Number.isInteger(major) || major >= SUPPORTED_NODE_MAJORS[0]) return undefined;
  return `kms-demo: note: Node ${version.replace(/^v?/, 'v')} is past its end of life; supported are Node ${SUPPORTED_NODE_MAJORS.join(', ')} (Node 20 still works, but later AWS SDK releases will not)`;
}
