/**
 * The persisted shape of keys and aliases, and its conversion to and from the state
 * file's JSON. Times are epoch milliseconds; responses convert them to epoch seconds.
 */
export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';

/** One generation of backing key material; rotation appends a new one. */
export interface KeyMaterial {
  version: number;
  /** Public identifier of this material, as KMS reports in KeyMaterialId. */
  id: string;
  key: Buffer;
  createdAt: number;
}

export interface KeyRecord {
  keyId: string;
  createdAt: number;
  description: string;
  state: KeyState;
  deletionAt?: number;
  pendingWindowInDays?: number;
  policy: string;
  tags: Map<string, string>;
  rotationEnabled: boolean;
  rotationPeriodInDays?: number;
  nextRotationAt?: number;
  onDemandRotations: number;
  materials: KeyMaterial[];
}

export interface AliasRecord {
  aliasName: string;
  targetKeyId: string;
  createdAt: number;
  updatedAt: number;
}

export interface StoredState {
  keys: KeyRecord[];
  aliases: AliasRecord[];
}

const FORMAT = 1;

export function serializeState(state: StoredState): string {
  return JSON.stringify({
    format: FORMAT,
    keys: state.keys.map((key) => ({
      ...key,
      tags: [...key.tags],
      materials: key.materials.map((material) => ({
        ...material,
        key: material.key.toString('base64'),
      })),
    })),
    aliases: state.aliases,
  });
}

/** Reads what serializeState wrote; anything else is reported, not guessed at. */
export function parseState(document: unknown, path: string): StoredState {
  const fail = (what: string) =>
    new Error(
      `The KMS state file ${path} is not in the expected format (${what}). Without it the stored secrets cannot be decrypted, so nothing was changed; restore it from a backup, or erase the state dir knowingly with 'kms-demo local reset'.`,
    );
  if (typeof document !== 'object' || document === null) throw fail('not an object');
  const { format, keys, aliases } = document as Record<string, unknown>;
  if (format !== FORMAT) throw fail(`format ${String(format)}`);
  if (!Array.isArray(keys) || !Array.isArray(aliases)) throw fail('missing keys or aliases');
  return {
    keys: keys.map((raw) => {
      const key = raw as Omit<KeyRecord, 'tags' | 'materials'> & {
        tags: [string, string][];
        materials: (Omit<KeyMaterial, 'key'> & { key: string })[];
      };
      if (
        typeof key.keyId !== 'string' ||
        !Array.isArray(key.materials) ||
        key.materials.length === 0
      ) {
        throw fail('a key without id or material');
      }
      return {
        ...key,
        tags: new Map(key.tags),
        materials: key.materials.map((material) => ({
          ...material,
          key: Buffer.from(material.key, 'base64'),
        })),
      };
    }),
    aliases: aliases as AliasRecord[],
  };
}
