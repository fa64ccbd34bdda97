import { DEFAULT_REGION } from '@kms-demo/spec';
import * as pulumi from '@pulumi/pulumi';

export const PROJECT = 'kms-demo';
export const ACCOUNT_ID = '123456789012';
export const DEPLOYER_USER_ARN = `arn:aws:iam::${ACCOUNT_ID}:user/deployer`;

export interface RegisteredResource {
  type: string;
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: provider inputs are untyped on the wire.
  inputs: Record<string, any>;
  id: string;
}

/** What the fake AWS answers; tests change `callerArn` to play other identities. */
export const fakeAws = {
  callerArn: DEPLOYER_USER_ARN,
  resources: [] as RegisteredResource[],
};

let keyCounter = 0;

function partitionOf(arn: string): string {
  return arn.split(':')[1] ?? 'aws';
}

function region(): string {
  return pulumi.runtime.getConfig('aws:region') ?? DEFAULT_REGION;
}

function regionalArn(service: string, resource: string): string {
  return `arn:${partitionOf(fakeAws.callerArn)}:${service}:${region()}:${ACCOUNT_ID}:${resource}`;
}

/**
 * Ids and ARNs in the shapes AWS returns them, so the program's ARN plumbing is exercised:
 * key ids are UUIDs, aliases and tables are addressed by name, IAM policies by ARN.
 */
function fakeCreate(args: pulumi.runtime.MockResourceArgs): { id: string; state: object } {
  const inputs = args.inputs;
  switch (args.type) {
    case 'aws:kms/key:Key': {
      keyCounter += 1;
      const keyId = `1234abcd-12ab-34cd-56ef-${String(keyCounter).padStart(12, '0')}`;
      return { id: keyId, state: { ...inputs, keyId, arn: regionalArn('kms', `key/${keyId}`) } };
    }
    case 'aws:kms/alias:Alias':
      return { id: inputs.name, state: { ...inputs, arn: regionalArn('kms', inputs.name) } };
    case 'aws:dynamodb/table:Table':
      return {
        id: inputs.name,
        state: { ...inputs, arn: regionalArn('dynamodb', `table/${inputs.name}`) },
      };
    case 'aws:iam/policy:Policy': {
      const name = inputs.name ?? `${args.name}-7f3a9c1`;
      const arn = `arn:${partitionOf(fakeAws.callerArn)}:iam::${ACCOUNT_ID}:policy/${name}`;
      return { id: arn, state: { ...inputs, name, arn } };
    }
    default:
      throw new Error(`the fake AWS does not create ${args.type}`);
  }
}

function fakeInvoke(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
  switch (args.token) {
    case 'aws:index/getCallerIdentity:getCallerIdentity':
      return {
        accountId: ACCOUNT_ID,
        arn: fakeAws.callerArn,
        userId: 'AIDAEXAMPLEUSERID',
        id: ACCOUNT_ID,
      };
    case 'aws:index/getPartition:getPartition':
      return { partition: partitionOf(fakeAws.callerArn), id: partitionOf(fakeAws.callerArn) };
    case 'aws:index/getRegion:getRegion':
      return { region: region(), name: region(), id: region() };
    case 'aws:iam/getSessionContext:getSessionContext': {
      // As AWS does: an assumed-role session resolves to the role that issued it.
      const arn = String(args.inputs.arn);
      const session = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(arn);
      const issuerArn = session ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` : arn;
      return { arn, issuerArn, id: arn };
    }
    default:
      throw new Error(`the fake AWS does not answer ${args.token}`);
  }
}

export async function installMocks(): Promise<void> {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const created = fakeCreate(args);
        fakeAws.resources.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          id: created.id,
        });
        return created;
      },
      call: fakeInvoke,
    },
    PROJECT,
    'test',
    false,
  );
}

/** Unwraps an Output (or a plain value) into a Promise of its value. */
export function resolve<T>(value: pulumi.Output<T> | T): Promise<T> {
  if (!pulumi.Output.isInstance(value)) return Promise.resolve(value);
  return new Promise((done) => {
    value.apply((inner) => {
      done(inner);
      return inner;
    });
  });
}
