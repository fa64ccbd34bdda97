import {
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import type { KmsApi } from './crypto/kms-api.js';

/** Per-call options the SDK takes, e.g. an abort signal for a bounded probe. */
export interface KmsCallOptions {
  abortSignal?: AbortSignal;
}

/**
 * A `KMSClient` that also speaks `KmsApi`, sending just those four commands. The
 * aggregated `KMS` class would do the same with one import, but it brings every KMS
 * command into the process (and into the CLI's start-up); any other command can still
 * be sent with `send(new XCommand(...))`.
 */
export class KmsApiClient extends KMSClient implements KmsApi {
  encrypt(input: Parameters<KmsApi['encrypt']>[0], options?: KmsCallOptions) {
    return this.send(new EncryptCommand(input), options);
  }

  decrypt(input: Parameters<KmsApi['decrypt']>[0], options?: KmsCallOptions) {
    return this.send(new DecryptCommand(input), options);
  }

  generateDataKey(input: Parameters<KmsApi['generateDataKey']>[0], options?: KmsCallOptions) {
    return this.send(new GenerateDataKeyCommand(input), options);
  }

  describeKey(input: Parameters<KmsApi['describeKey']>[0], options?: KmsCallOptions) {
    return this.send(new DescribeKeyCommand(input), options);
  }
}
