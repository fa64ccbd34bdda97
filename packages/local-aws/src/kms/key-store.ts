import { randomBytes } from 'node:crypto';
import { notFound } from './errors.js';
import { aliasArn, type KeyReference, keyArn, type Scope } from './identifiers.js';
import {
  type AliasRecord,
  type KeyMaterial,
  type KeyRecord,
  parseState,
  serializeState,
} from './key-record.js';
import { StateFile } from './state-file.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * All keys and aliases, held in memory and written through to the state file. Every
 * operation reads and changes the store synchronously and then awaits `flush()`, so
 * concurrent requests never interleave inside one change and every change reaches disk
 * before its response is sent.
 */
export class KeyStore {
  private readonly keys = new Map<string, KeyRecord>();
  private readonly aliases = new Map<string, AliasRecord>();
  private dirty = false;

  private constructor(
    readonly scope: Scope,
    private readonly file: StateFile,
  ) {}

  static async open(directory: string, scope: Scope): Promise<KeyStore> {
    const file = new StateFile(directory);
    const store = new KeyStore(scope, file);
    const document = await file.load();
    if (document !== undefined) {
      const state = parseState(document, file.path);
      for (const key of state.keys) store.keys.set(key.keyId, key);
      for (const alias of state.aliases) store.aliases.set(alias.aliasName, alias);
    }
    return store;
  }

  arn(key: KeyRecord): string {
    return keyArn(this.scope, key.keyId);
  }

  /** The key a reference points at, following an alias; NotFoundException otherwise. */
  resolve(reference: KeyReference): KeyRecord {
    if (reference.kind === 'alias') {
      const alias = this.aliases.get(reference.aliasName);
      const key = alias && this.keys.get(alias.targetKeyId);
      if (!key) throw notFound(`Alias ${aliasArn(this.scope, reference.aliasName)} is not found.`);
      return key;
    }
    const key = this.keys.get(reference.keyId);
    if (!key) throw notFound(`Key '${keyArn(this.scope, reference.keyId)}' does not exist`);
    return key;
  }

  findKey(keyId: string): KeyRecord | undefined {
    return this.keys.get(keyId);
  }

  listKeys(): KeyRecord[] {
    return [...this.keys.values()];
  }

  findAlias(aliasName: string): AliasRecord | undefined {
    return this.aliases.get(aliasName);
  }

  listAliases(): AliasRecord[] {
    return [...this.aliases.values()];
  }

  addKey(key: KeyRecord): void {
    this.keys.set(key.keyId, key);
    this.changed();
  }

  putAlias(alias: AliasRecord): void {
    this.aliases.set(alias.aliasName, alias);
    this.changed();
  }

  deleteAlias(aliasName: string): void {
    this.aliases.delete(aliasName);
    this.changed();
  }

  /** Marks the store as needing a write; call after changing a record in place. */
  changed(): void {
    this.dirty = true;
  }

  currentMaterial(key: KeyRecord): KeyMaterial {
    const material = key.materials[key.materials.length - 1];
    if (!material) throw new Error(`Key ${key.keyId} has no key material`);
    return material;
  }

  addMaterial(key: KeyRecord, now: number): KeyMaterial {
    const material = newMaterial(key.materials.length + 1, now);
    key.materials.push(material);
    this.changed();
    return material;
  }

  /**
   * Work AWS does in the background, done lazily before each request: keys whose waiting
   * period has ended are deleted with their aliases, and enabled keys due for automatic
   * rotation get new material.
   */
  housekeeping(now: number): void {
    for (const key of this.keys.values()) {
      if (
        key.state === 'PendingDeletion' &&
        key.deletionAt !== undefined &&
        now >= key.deletionAt
      ) {
        this.keys.delete(key.keyId);
        for (const alias of this.aliases.values()) {
          if (alias.targetKeyId === key.keyId) this.aliases.delete(alias.aliasName);
        }
        this.changed();
        continue;
      }
      const period = key.rotationPeriodInDays;
      if (key.state !== 'Enabled' || !key.rotationEnabled || period === undefined) continue;
      // One rotation however late: AWS does not rotate a disabled key, and on re-enabling
      // an overdue key rotates it once, then every period from then on.
      if (key.nextRotationAt !== undefined && now >= key.nextRotationAt) {
        this.addMaterial(key, now);
        key.nextRotationAt = now + period * DAY_MS;
      }
    }
  }

  /** Writes pending changes; true when something was written. */
  async flush(): Promise<boolean> {
    if (!this.dirty) return false;
    this.dirty = false;
    try {
      await this.file.write(() =>
        serializeState({ keys: [...this.keys.values()], aliases: [...this.aliases.values()] }),
      );
    } catch (error) {
      this.dirty = true;
      throw error;
    }
    return true;
  }
}

export function newMaterial(version: number, now: number): KeyMaterial {
  return { version, id: randomBytes(32).toString('hex'), key: randomBytes(32), createdAt: now };
}

export { DAY_MS };
