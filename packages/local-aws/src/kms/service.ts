import { join } from 'node:path';
import type { AuthorizationRequest } from '../authz/authorize.js';
import { type CompiledPolicy, compilePolicy } from '../authz/compiled-policy.js';
import { kmsAuthorizationRequests } from './authorization-requests.js';
import { KmsError } from './errors.js';
import { checkAliasName, parseKeyReference } from './identifiers.js';
import { defaultKeyPolicy } from './key-policy.js';
import { KeyStore } from './key-store.js';
import { newKeyRecord } from './operations/create-key.js';
import { operations } from './operations/index.js';
import { asBody } from './validation.js';

export interface KmsServiceOptions {
  stateDir: string;
  region: string;
  accountId: string;
  /** Called after a change reached kms/state.json (keys created, rotated, deleted). */
  onPersist?: () => void;
}

/**
 * Decides the permissions a request needs (throws KmsError AccessDeniedException to
 * refuse). Called in the same synchronous step as the operation, so the key policy it
 * sees is the one in force when the operation runs.
 */
export type Authorizer = (requests: AuthorizationRequest[]) => void;

/** Parsed key policies by their text; a few keys, so a small cache suffices. */
const COMPILED_POLICY_CACHE_SIZE = 64;

export interface KmsService {
  /**
   * operation = the part after "TrentService." in X-Amz-Target; body = the parsed JSON
   * request. Returns the JSON response object. Throws KmsError for AWS-documented errors.
   */
  handle(operation: string, body: unknown, authorize?: Authorizer): Promise<unknown>;
  /**
   * Idempotently ensure a SYMMETRIC_DEFAULT/ENCRYPT_DECRYPT key with this alias exists;
   * returns its key ARN. A new key gets `policy.document`; an existing key whose policy is
   * KMS's default or one of `policy.replaces` (what earlier starts put there) gets it too,
   * while a policy someone put on purpose is kept.
   */
  ensureKeyWithAlias(
    aliasName: string,
    description: string,
    policy?: { document: string; replaces: string[] },
  ): Promise<string>;
  /** Ids of every key in the store, whatever its state. */
  keyIds(): string[];
  /** The file holding the key material. */
  readonly statePath: string;
  /** The ARN of the key a KeyId member (id, ARN, alias) names, if it exists. */
  keyArnOf(keyId: string): string | undefined;
  /** Flush state to disk. */
  close(): Promise<void>;
}

/**
 * The KMS engine behind the local endpoint. Keys, aliases and key material live under
 * `<stateDir>/kms/`. Each request runs its operation synchronously against the store and
 * then waits until any change is on disk, so a response is never ahead of the state file.
 */
export async function createKmsService(options: KmsServiceOptions): Promise<KmsService> {
  const store = await KeyStore.open(join(options.stateDir, 'kms'), {
    region: options.region,
    accountId: options.accountId,
  });
  let closed = false;
  const compiled = new Map<string, CompiledPolicy>();
  const compile = (policy: string): CompiledPolicy => {
    let found = compiled.get(policy);
    if (!found) {
      try {
        found = compilePolicy(policy);
      } catch {
        // Stored before the endpoint enforced policies and unreadable now: it grants nothing.
        found = { statements: [] };
      }
      if (compiled.size >= COMPILED_POLICY_CACHE_SIZE) compiled.clear();
      compiled.set(policy, found);
    }
    return found;
  };

  return {
    async handle(operation, body, authorize) {
      if (closed) throw new Error('The KMS service is closed.');
      const now = Date.now();
      store.housekeeping(now);
      try {
        const request = asBody(body);
        // Before the operation is looked up: a caller without the permission learns
        // nothing about what this emulator supports (CreateGrant, say).
        authorize?.(kmsAuthorizationRequests(store, operation, request, compile));
        const run = operations.get(operation);
        if (!run) {
          throw new KmsError(
            'UnknownOperationException',
            `Operation ${operation} is not supported by the local KMS emulator.`,
          );
        }
        return run({ store, now }, request);
      } finally {
        if (await store.flush()) options.onPersist?.();
      }
    },

    async ensureKeyWithAlias(aliasName, description, policy) {
      checkAliasName(aliasName, true);
      const now = Date.now();
      store.housekeeping(now);
      const existing = store.findAlias(aliasName);
      const target = existing && store.findKey(existing.targetKeyId);
      if (target) {
        const replaceable = [defaultKeyPolicy(store.scope), ...(policy?.replaces ?? [])];
        if (policy && target.policy !== policy.document && replaceable.includes(target.policy)) {
          target.policy = policy.document;
          store.changed();
          await store.flush();
        }
        return store.arn(target);
      }
      const key = newKeyRecord(store, now, description, policy?.document);
      store.addKey(key);
      store.putAlias({ aliasName, targetKeyId: key.keyId, createdAt: now, updatedAt: now });
      await store.flush();
      return store.arn(key);
    },

    keyIds: () => store.listKeys().map((key) => key.keyId),
    statePath: join(options.stateDir, 'kms', 'state.json'),
    keyArnOf(keyId) {
      try {
        return store.arn(store.resolve(parseKeyReference(store.scope, keyId, true)));
      } catch {
        return undefined;
      }
    },

    async close() {
      closed = true;
      await store.flush();
    },
  };
}
