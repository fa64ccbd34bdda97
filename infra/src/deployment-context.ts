import * as aws from '@pulumi/aws';

/** Facts about the AWS account and identity running `pulumi up`. */
export interface DeploymentContext {
  accountId: string;
  /** `aws`, `aws-cn` or `aws-us-gov`: ARNs written by this program must use it. */
  partition: string;
  /** The region the AWS provider deploys to (stack config `aws:region`, or its fallbacks). */
  region: string;
  /**
   * The deployer as an IAM principal. For an assumed role this is the role's ARN, not
   * the STS session ARN, which would stop matching once the session ends.
   */
  deployerArn: string;
}

export async function lookupDeploymentContext(): Promise<DeploymentContext> {
  const [identity, partition, region] = await Promise.all([
    aws.getCallerIdentity(),
    aws.getPartition(),
    aws.getRegion(),
  ]);
  const session = await aws.iam.getSessionContext({ arn: identity.arn });
  return {
    accountId: identity.accountId,
    partition: partition.partition,
    region: region.region,
    deployerArn: session.issuerArn,
  };
}
