import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Reads `region` for a profile from the shared AWS config file, the way the AWS CLI
 * does: `[default]` or `[profile NAME]` in AWS_CONFIG_FILE or ~/.aws/config.
 * Returns undefined when the file or the key is absent.
 */
export async function readProfileRegion(
  profile: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  const file = env.AWS_CONFIG_FILE || join(homedir(), '.aws', 'config');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const wanted = profile === 'default' ? ['default', 'profile default'] : [`profile ${profile}`];
  let inSection = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (section?.[1] !== undefined) {
      inSection = wanted.includes(section[1]);
      continue;
    }
    const pair = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (inSection && pair?.[1] === 'region' && pair[2]) return pair[2];
  }
  return undefined;
}
