/** A configuration value and where it came from, so `kms-demo status` can say. */
export interface Resolved<T = string> {
  value: T;
  source: string;
}

/** What a Pulumi stack of infra/ says about the deployed resources. */
export interface StackOutputs {
  stack: string;
  keyId: string;
  tableName: string;
  region: string;
}

/**
 * Where commands will talk to. `local` is the embedded emulator under `stateDir`;
 * `aws` is anything reached with the standard AWS settings (real AWS, a stack, or an
 * endpoint the user named).
 */
export type ResolvedConfig =
  | {
      target: 'local';
      key: Resolved;
      table: Resolved;
      stateDir: Resolved;
      /** Why no stack was used although pulumi is there (its `stack ls` failed). */
      note?: string;
      /** Settings given that the local emulator does not use (`--region eu-west-1`). */
      ignored?: string[];
    }
  | {
      target: 'aws';
      key: Resolved;
      table: Resolved;
      region: Resolved;
      endpoint?: Resolved;
      profile?: Resolved;
      stack?: string;
      note?: string;
    };
