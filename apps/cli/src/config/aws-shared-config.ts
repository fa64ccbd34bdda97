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
  return (await sectionPairs(file, configSections(profile))).get('region') || undefined;
}

/** The config file names `[default]` (or `[profile default]`) and `[profile NAME]`. */
function configSections(profile: string): string[] {
  return profile === 'default' ? ['default', 'profile default'] : [`profile ${profile}`];
}

/** Keys of a profile that give it credentials, directly or by a process, SSO or a role. */
const CREDENTIAL_KEYS = new Set([
  'aws_access_key_id',
  'credential_process',
  'sso_session',
  'sso_start_url',
  'role_arn',
  'web_identity_token_file',
  'login_session',
]);

/**
 * True when the shared AWS files give `profile` credentials: a section for it in the
 * credentials file (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials), or a config file
 * section with one of CREDENTIAL_KEYS. Nothing is resolved or validated: this answers
 * "has the user set up AWS here", not "are the credentials good".
 */
export async function hasProfileCredentials(
  profile: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  const home = homedir();
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials');
  const configFile = env.AWS_CONFIG_FILE || join(home, '.aws', 'config');
  const inCredentials = await sectionPairs(credentialsFile, [profile]);
  if (inCredentials.size > 0) return true;
  const inConfig = await sectionPairs(configFile, configSections(profile));
  return [...inConfig.keys()].some((key) => CREDENTIAL_KEYS.has(key.toLowerCase()));
}

/**
 * The `key = value` pairs set in the named sections of an INI file, keeping each key's
 * first non-empty value; empty when the file is absent.
 */
async function sectionPairs(file: string, sections: string[]): Promise<Map<string, string>> {
  const pairs = new Map<string, string>();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return pairs;
  }
  let inSection = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (section?.[1] !== undefined) {
      inSection = sections.includes(section[1]);
      continue;
    }
    const pair = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (inSection && pair?.[1] && !pairs.get(pair[1])) pairs.set(pair[1], pair[2] ?? '');
  }
  return pairs;
}
