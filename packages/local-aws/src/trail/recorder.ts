import { randomUUID } from 'node:crypto';
import type { LocalPrincipalName } from '@kms-demo/spec';
import { type Caller, callerForAccessKey, signedAccessKeyId } from './caller.js';
import { CloudTrailError } from './cloudtrail-error.js';
import { type KmsCall, kmsRecord } from './kms-record.js';
import { lookupEvents } from './lookup-events.js';
import type { Trail } from './trail.js';

/** What the request pipeline tells the trail about a KMS call, once its outcome is known. */
export type KmsCallOutcome = Omit<KmsCall, 'eventId' | 'time' | 'region' | 'keyArn'>;

export interface TrailRecorder {
  /** The principal of a request that passed signature verification, as authentication named it. */
  caller(authorization: string | undefined, name: LocalPrincipalName | undefined): Caller;
  recordKms(call: KmsCallOutcome): void;
  /** A CloudTrail API call (only LookupEvents exists); throws CloudTrailError. */
  handleCloudTrail(operation: string, body: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export interface TrailRecorderOptions {
  /** Undefined when the trail is off: nothing is recorded and lookups find nothing. */
  trail: Trail | undefined;
  region: string;
  accountId: string;
  /** The ARN of the key a KeyId member names, if the emulator has it. */
  keyArnOf(keyId: string): string | undefined;
}

/** Requests AWS never logs: they reach no operation. */
const NOT_LOGGED = new Set(['UnknownOperationException']);

export function createTrailRecorder(options: TrailRecorderOptions): TrailRecorder {
  const { trail, region, accountId } = options;
  return {
    caller: (authorization, name) =>
      callerForAccessKey(signedAccessKeyId(authorization), accountId, name),

    recordKms(call) {
      if (!trail || (call.error && NOT_LOGGED.has(call.error.type))) return;
      const keyId = (call.input as { KeyId?: unknown } | null)?.KeyId;
      const keyArn = typeof keyId === 'string' ? options.keyArnOf(keyId) : undefined;
      trail.append(
        kmsRecord(
          {
            ...call,
            ...(keyArn ? { keyArn } : {}),
            eventId: randomUUID(),
            time: new Date(),
            region,
          },
          accountId,
        ),
      );
    },

    async handleCloudTrail(operation, body) {
      if (operation !== 'LookupEvents') {
        throw new CloudTrailError(
          'UnknownOperationException',
          `Operation ${operation} is not supported by the local endpoint's CloudTrail.`,
        );
      }
      if (!trail) return { Events: [] };
      return lookupEvents(trail, body);
    },

    async close() {
      await trail?.close();
    },
  };
}
