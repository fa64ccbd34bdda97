import type { PolicyDocument } from '@kms-demo/spec';
import * as pulumi from '@pulumi/pulumi';
import { vi } from 'vitest';
import {
  DEPLOYER_USER_ARN,
  fakeAws,
  PROJECT,
  type RegisteredResource,
  resolve,
} from './pulumi-mocks.js';

type Program = typeof import('../../src/index.js');
export type StackOutputs = { [K in keyof Program]: pulumi.Unwrap<Program[K]> };

export interface Deployment {
  outputs: StackOutputs;
  /** The one resource of this type (and name, if given) the program registered, with its inputs. */
  resource(type: string, name?: string): RegisteredResource;
  keyPolicy: PolicyDocument;
  appPolicy: PolicyDocument;
  auditorPolicy: PolicyDocument;
}

export interface DeployOptions {
  /** Stack config; project keys may omit the `kms-demo:` namespace. Lists are JSON. */
  config?: Record<string, string | number | boolean | string[]>;
  callerArn?: string;
}

function toPulumiConfig(config: NonNullable<DeployOptions['config']>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [
      key.includes(':') ? key : `${PROJECT}:${key}`,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );
}

/**
 * Runs the program as `pulumi up` would, against the fake AWS: fresh module state, the
 * given stack config, then every stack output resolved.
 */
export async function deploy(options: DeployOptions = {}): Promise<Deployment> {
  vi.resetModules();
  fakeAws.resources.length = 0;
  fakeAws.callerArn = options.callerArn ?? DEPLOYER_USER_ARN;
  pulumi.runtime.setAllConfig(toPulumiConfig(options.config ?? {}));

  const program: Program = await import('../../src/index.js');
  const entries = await Promise.all(
    Object.entries(program).map(async ([name, value]) => [name, await resolve(value)] as const),
  );
  // Every resource is registered once the outputs that depend on all of them resolve.
  const resources = [...fakeAws.resources];
  const resource = (type: string, name?: string): RegisteredResource => {
    const matches = resources.filter(
      (candidate) => candidate.type === type && (name === undefined || candidate.name === name),
    );
    if (matches.length !== 1) {
      throw new Error(
        `expected one ${type} ${name ?? ''}, the program registered ${matches.length}`,
      );
    }
    return matches[0] as RegisteredResource;
  };
  return {
    outputs: Object.fromEntries(entries) as StackOutputs,
    resource,
    keyPolicy: JSON.parse(resource('aws:kms/key:Key').inputs.policy),
    appPolicy: JSON.parse(resource('aws:iam/policy:Policy', 'kms-demo-app').inputs.policy),
    auditorPolicy: JSON.parse(resource('aws:iam/policy:Policy', 'kms-demo-auditor').inputs.policy),
  };
}
