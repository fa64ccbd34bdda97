import * as pulumi from '@pulumi/pulumi';
import { readConfig } from './config.js';
import { lookupDeploymentContext } from './deployment-context.js';
import { createResources } from './resources.js';

const context = await lookupDeploymentContext();
const config = readConfig(new pulumi.Config(), context.deployerArn);
const resources = createResources(config, context);

// Stack outputs: the CLI reads these names from `pulumi stack output --json`.
export const keyId = resources.key.keyId;
export const keyArn = resources.key.arn;
export const aliasName = resources.alias.name;
export const tableName = resources.table.name;
export const tableArn = resources.table.arn;
export const region = context.region;
export const appPolicyArn = resources.appPolicy.arn;
export const auditPolicyArn = resources.auditorPolicy.arn;
