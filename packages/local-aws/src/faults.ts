import { LocalAwsError } from './errors.js';
import type { AwsErrorReply } from './http/aws-error.js';

/** The services whose throttling can be injected. */
type FaultService = keyof FaultOptions;

/** When to fail requests of one service, to let callers test their retries. */
export interface FaultRule {
  /** Share of matching requests to fail, 0..1. */
  rate?: number;
  /** Fail the next N matching requests (counted before `rate` applies). */
  count?: number;
  /** Only requests for these operations, e.g. `['Encrypt']`; all when absent. */
  operations?: string[];
}

export interface FaultOptions {
  kms?: FaultRule;
  dynamodb?: FaultRule;
}

/** JSON `FaultOptions`, read when `options.faults` is undefined (for spawned processes). */
export const FAULTS_ENV = 'KMS_DEMO_LOCAL_FAULTS';

/**
 * The throttling errors each service documents; SDKs classify both as retryable
 * throttling errors and back off.
 */
const FAULT_REPLIES: Record<FaultService, AwsErrorReply> = {
  kms: {
    status: 400,
    type: 'ThrottlingException',
    message:
      'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.',
  },
  dynamodb: {
    status: 400,
    type: 'ProvisionedThroughputExceededException',
    message:
      'You exceeded your maximum allowed provisioned throughput for a table or for one or more global secondary indexes.',
  },
};

/**
 * Decides, before a request executes, whether it fails with its service's throttling
 * error, so that a failed write never half-happens.
 */
export class FaultInjector {
  private readonly remaining: Record<FaultService, number>;

  constructor(
    private readonly options: FaultOptions,
    private readonly random: () => number = Math.random,
  ) {
    this.remaining = { kms: options.kms?.count ?? 0, dynamodb: options.dynamodb?.count ?? 0 };
  }

  check(service: FaultService, operation: string): AwsErrorReply | undefined {
    const rule = this.options[service];
    if (!rule) return undefined;
    if (rule.operations && !rule.operations.includes(operation)) return undefined;
    if (this.remaining[service] > 0) {
      this.remaining[service] -= 1;
      return FAULT_REPLIES[service];
    }
    return rule.rate && this.random() < rule.rate ? FAULT_REPLIES[service] : undefined;
  }
}

/** The fault options in force: the explicit ones, else those in `KMS_DEMO_LOCAL_FAULTS`. */
export function resolveFaultOptions(
  explicit: FaultOptions | undefined,
  env: NodeJS.ProcessEnv = process.env,
): FaultOptions {
  if (explicit) return validateFaultOptions(explicit, 'options.faults');
  const raw = env[FAULTS_ENV];
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new LocalAwsError('INVALID_FAULTS', `${FAULTS_ENV} is not valid JSON.`, { cause: error });
  }
  return validateFaultOptions(parsed, FAULTS_ENV);
}

function validateFaultOptions(value: unknown, source: string): FaultOptions {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(source, 'must be an object with optional "kms" and "dynamodb" rules');
  }
  const result: FaultOptions = {};
  for (const [key, rule] of Object.entries(value)) {
    if (key !== 'kms' && key !== 'dynamodb') throw invalid(source, `has unknown service "${key}"`);
    if (rule !== undefined) result[key] = validateRule(rule, `${source}.${key}`);
  }
  return result;
}

function validateRule(value: unknown, source: string): FaultRule {
  if (typeof value !== 'object' || value === null) throw invalid(source, 'must be an object');
  const { rate, count, operations } = value as Record<string, unknown>;
  if (rate !== undefined && (typeof rate !== 'number' || !(rate >= 0 && rate <= 1))) {
    throw invalid(source, '"rate" must be a number from 0 to 1');
  }
  if (count !== undefined && (!Number.isSafeInteger(count) || (count as number) < 0)) {
    throw invalid(source, '"count" must be a whole number of requests, 0 or more');
  }
  if (
    operations !== undefined &&
    (!Array.isArray(operations) || !operations.every((op) => typeof op === 'string'))
  ) {
    throw invalid(source, '"operations" must be a list of operation names');
  }
  return {
    ...(rate !== undefined && { rate: rate as number }),
    ...(count !== undefined && { count: count as number }),
    ...(operations !== undefined && { operations: operations as string[] }),
  };
}

function invalid(source: string, problem: string): LocalAwsError {
  return new LocalAwsError(
    'INVALID_FAULTS',
    `Fault injection settings in ${source} ${problem}, e.g. {"kms":{"count":2,"operations":["Encrypt"]}}.`,
  );
}
