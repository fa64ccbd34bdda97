/** Stable code for every invalid stack configuration value. */
export const INFRA_CONFIG_INVALID = 'INFRA_CONFIG_INVALID';

/**
 * A stack configuration value that cannot be deployed. Thrown before any resource is
 * registered, so `pulumi up` stops during preview with a message naming the key.
 */
export class InfraConfigError extends Error {
  readonly code = INFRA_CONFIG_INVALID;

  constructor(
    /** The config key without the project namespace, e.g. `deletionWindowInDays`. */
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = 'InfraConfigError';
  }
}
