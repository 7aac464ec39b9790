import { Construct } from 'constructs';
import { DataResource, Fn, Token } from 'cdktf';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { ElasticacheParameterGroup } from '@cdktf/provider-aws/lib/elasticache-parameter-group';
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { ElasticacheSubnetGroup } from '@cdktf/provider-aws/lib/elasticache-subnet-group';
import { ElasticacheUser } from '@cdktf/provider-aws/lib/elasticache-user';
import { ElasticacheUserGroup } from '@cdktf/provider-aws/lib/elasticache-user-group';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { InvalidPropError, requireIntegerInRange } from '../core/prop-error';
import type { PolicyStatement } from '../iam/policy-statement';

/** Port of the cache. */
export const CACHE_PORT = 6379;

/** Keys of the credentials secret's JSON (the shape ElastiCache's Secrets Manager rotation function reads). */
export enum CacheCredentialsKey {
  USERNAME = 'username',
  PASSWORD = 'password',
  USER_ARN = 'user_arn',
}

/** ElastiCache user names: a letter, then letters, digits and hyphens. */
const USER_NAME = /^[A-Za-z][A-Za-z0-9-]{0,39}$/;
/** Client IDs: lower-case letters, digits and hyphens, starting with a letter (they name user IDs and secrets). */
const CLIENT_ID = /^[a-z][a-z0-9-]{0,29}$/;

/** The eviction policy the cache runs with: none, whatever fills it. */
export const CACHE_MAXMEMORY_POLICY = 'noeviction';

/** One client of the cache (a service): its own user, password, secret and ACL. */
export interface CacheClient {
  /** Names the client's user ID (`<name>-<id>`) and secret (`<name>/<id>/cache-credentials`), e.g. `data-ingestion`. */
  readonly id: string;
  /** Name the client authenticates as (`REDIS_USERNAME`). @default the id */
  readonly userName?: string;
  /**
   * ACL rules of the client's user (Valkey ACL syntax without `on`/`off`
   * and passwords): the keys and commands it may use, and nothing more.
   */
  readonly access: string;
}

/** What a client's tasks need to authenticate as its user. */
export interface CacheClientCredentials {
  /** The user name the client authenticates as. */
  readonly userName: string;
  /** ARN of the Secrets Manager secret `{"username","password","user_arn"}` of this client only. */
  readonly credentialsSecretArn: string;
  /**
   * The task `secrets` of the client (name → `valueFrom`):
   * `REDIS_USERNAME` and `REDIS_PASSWORD` from its secret's JSON keys.
   */
  readonly taskSecrets: Readonly<Record<'REDIS_USERNAME' | 'REDIS_PASSWORD', string>>;
  /** What the client's task execution role needs to hand the credentials to its tasks: this secret only. */
  readonly readCredentialsStatement: PolicyStatement;
}

export interface SharedStateCacheProps {
  /** Replication group ID (1-40 lower-case letters, digits, hyphens); also names the users, the user group and the secrets. */
  readonly name: string;
  /** ID of the VPC. */
  readonly vpcId: string;
  /** Private subnets of the cache nodes, in at least two Availability Zones (Multi-AZ; checked here unless a Terraform variable gives them). */
  readonly subnetIds: string[];
  /** Security group whose members (the services' tasks) may connect. */
  readonly clientSecurityGroupId: string;
  /**
   * The clients, each with a user, a password and a secret of its own and
   * the narrowest ACL it works with, so that one client's credentials
   * reach neither another's keys nor its secret. At least one; ids and user
   * names unique.
   */
  readonly clients: readonly CacheClient[];
  /** Node type. @default 'cache.t4g.micro' */
  readonly nodeType?: string;
  /** Nodes: 1 primary plus replicas (2-6); automatic failover and Multi-AZ need at least two. @default 2 */
  readonly nodeCount?: number;
  /** Days of daily snapshots kept (0-35). @default 1 */
  readonly snapshotRetentionDays?: number;
  /** Days a deleted credentials secret can still be restored (0: at once, else 7-30). @default 7 */
  readonly secretRecoveryWindowDays?: number;
}

/** Props of {@link SharedStateCache.addMemoryAlarm}. */
export interface CacheMemoryAlarmProps {
  /** Name of the alarms: `<alarmNamePrefix>-<node id>`, one per node. */
  readonly alarmNamePrefix: string;
  /** ARN of the SNS topic to notify. */
  readonly topicArn: string;
  /** Share of the node's memory in use above which to alarm (1-99). @default 80 */
  readonly thresholdPercent?: number;
}

/**
 * The central store of the breaker state and the idempotency keys
 * (ElastiCache for Valkey, Redis OSS compatible), with the controls a shared
 * store of this kind needs:
 * - authentication: an RBAC user group with one enabled user per client,
 *   each with its own ACL and its password generated by Terraform (`uuid()`,
 *   never in code) and kept in a Secrets Manager secret of its own,
 *   `{"username","password","user_arn"}`, which the client's tasks receive as
 *   ECS `secrets` ({@link credentialsOf}); the group's mandatory `default`
 *   user is disabled (`off -@all`);
 * - no eviction (`maxmemory-policy noeviction`, its own parameter group): a
 *   full cache refuses writes, which the services see and retry or park,
 *   instead of silently dropping idempotency keys (the only keys with a
 *   TTL, hence the first a `volatile-*` policy evicts) while vehicle states
 *   stay; {@link addMemoryAlarm} warns before it is full;
 * - TLS required in transit, encryption at rest;
 * - automatic failover and Multi-AZ over at least two nodes;
 * - private subnets, reachable on 6379 only from the clients' security group.
 *
 * The passwords are in the Terraform state: hashicorp/aws 5.100 keeps
 * `aws_elasticache_user.passwords` there (it has no write-only variant), so
 * keep the state encrypted (S3 SSE-KMS) and readable by the apply role only.
 * To rotate a client's password, replace its generator
 * (`terraform apply -replace=<this>.<Client>Password`): the user and the
 * secret get a new password, and the client's tasks restart with it.
 */
export class SharedStateCache extends Construct {
  /** `rediss://<primary endpoint>:6379`, the services' `REDIS_URL` (no credentials in it). */
  public readonly redisUrl: string;
  /** ID of the cache's security group. */
  public readonly securityGroupId: string;
  /** The replication group ID. */
  public readonly replicationGroupId: string;

  private readonly credentials = new Map<string, CacheClientCredentials>();
  /** The node IDs: ElastiCache names a replication group's nodes `<name>-001`, `<name>-002`, …. */
  private readonly nodeIds: readonly { readonly id: string; readonly number: string }[];

  constructor(scope: Construct, id: string, props: SharedStateCacheProps) {
    super(scope, id);
    const nodeCount = props.nodeCount ?? 2;
    const snapshotRetentionDays = props.snapshotRetentionDays ?? 1;
    const recoveryWindowDays = props.secretRecoveryWindowDays ?? 7;
    requireIntegerInRange(this, 'nodeCount', nodeCount, 2, 6);
    requireIntegerInRange(this, 'snapshotRetentionDays', snapshotRetentionDays, 0, 35);
    if (recoveryWindowDays !== 0) requireIntegerInRange(this, 'secretRecoveryWindowDays', recoveryWindowDays, 7, 30);
    validateClients(this, props.clients);
    // A Terraform variable's list is one token here: its length is known only at plan.
    if (!Token.isUnresolved(props.subnetIds) && props.subnetIds.length < 2) {
      throw new InvalidPropError(
        this,
        'subnetIds',
        `Multi-AZ needs subnets in at least two Availability Zones; got ${props.subnetIds.length} subnet(s)`,
      );
    }

    const subnets = new ElasticacheSubnetGroup(this, 'SubnetGroup', {
      name: props.name,
      description: 'Private subnets of the shared-state cache',
      subnetIds: props.subnetIds,
    });
    const group = new SecurityGroup(this, 'SecurityGroup', {
      name: `${props.name}-cache`,
      description: 'Shared-state cache: 6379 from the mesh tasks only',
      vpcId: props.vpcId,
      lifecycle: { createBeforeDestroy: true },
    });
    new VpcSecurityGroupIngressRule(this, 'FromClients', {
      securityGroupId: group.id,
      description: 'Valkey/Redis from the mesh tasks',
      ipProtocol: 'tcp',
      fromPort: CACHE_PORT,
      toPort: CACHE_PORT,
      referencedSecurityGroupId: props.clientSecurityGroupId,
    });

    const users = props.clients.map((client) => {
      const construct = pascalCase(client.id);
      const userName = client.userName ?? client.id;
      const password = generatedPassword(this, `${construct}Password`);
      const user = new ElasticacheUser(this, `${construct}User`, {
        userId: `${props.name}-${client.id}`,
        userName,
        engine: 'valkey',
        accessString: `on ${client.access}`,
        authenticationMode: { type: 'password', passwords: [password] },
      });
      const secret = new SecretsmanagerSecret(this, `${construct}CredentialsSecret`, {
        name: `${props.name}/${client.id}/cache-credentials`,
        description: `Credentials of the ${client.id} user of the ${props.name} cache`,
        recoveryWindowInDays: recoveryWindowDays,
      });
      new SecretsmanagerSecretVersion(this, `${construct}CredentialsSecretVersion`, {
        secretId: secret.id,
        secretString: Fn.jsonencode({
          [CacheCredentialsKey.USERNAME]: userName,
          [CacheCredentialsKey.PASSWORD]: password,
          [CacheCredentialsKey.USER_ARN]: user.arn,
        }),
      });
      this.credentials.set(client.id, {
        userName,
        credentialsSecretArn: secret.arn,
        taskSecrets: {
          REDIS_USERNAME: `${secret.arn}:${CacheCredentialsKey.USERNAME}::`,
          REDIS_PASSWORD: `${secret.arn}:${CacheCredentialsKey.PASSWORD}::`,
        },
        readCredentialsStatement: { sid: 'ReadCacheCredentials', actions: ['secretsmanager:GetSecretValue'], resources: [secret.arn] },
      });
      return user;
    });
    // A user group must hold a user named `default`; this one can do nothing.
    const disabledDefault = new ElasticacheUser(this, 'DisabledDefaultUser', {
      userId: `${props.name}-default`,
      userName: 'default',
      engine: 'valkey',
      accessString: 'off -@all',
      authenticationMode: { type: 'password', passwords: [generatedPassword(this, 'DefaultUserPassword')] },
    });
    const userGroup = new ElasticacheUserGroup(this, 'UserGroup', {
      userGroupId: props.name,
      engine: 'valkey',
      userIds: [disabledDefault.userId, ...users.map((user) => user.userId)],
    });
    const parameters = new ElasticacheParameterGroup(this, 'ParameterGroup', {
      name: props.name,
      family: 'valkey8',
      description: 'Shared-state cache: no eviction (a full cache refuses writes; idempotency keys are never dropped)',
      parameter: [{ name: 'maxmemory-policy', value: CACHE_MAXMEMORY_POLICY }],
    });

    const cache = new ElasticacheReplicationGroup(this, 'Resource', {
      replicationGroupId: props.name,
      description: 'Circuit-breaker state and idempotency keys of the EV pipeline',
      engine: 'valkey',
      engineVersion: '8.0',
      nodeType: props.nodeType ?? 'cache.t4g.micro',
      numCacheClusters: nodeCount,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      port: CACHE_PORT,
      parameterGroupName: parameters.name,
      subnetGroupName: subnets.name,
      securityGroupIds: [group.id],
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      atRestEncryptionEnabled: 'true',
      userGroupIds: [userGroup.userGroupId],
      snapshotRetentionLimit: snapshotRetentionDays,
      autoMinorVersionUpgrade: 'true',
    });
    this.redisUrl = `rediss://${cache.primaryEndpointAddress}:${CACHE_PORT}`;
    this.securityGroupId = group.id;
    this.replicationGroupId = cache.replicationGroupId;
    this.nodeIds = Array.from({ length: nodeCount }, (_, index) => {
      const number = String(index + 1).padStart(3, '0');
      return { id: `${props.name}-${number}`, number };
    });
  }

  /** The credentials of client `clientId` (one of `props.clients`). */
  public credentialsOf(clientId: string): CacheClientCredentials {
    const credentials = this.credentials.get(clientId);
    if (credentials === undefined) {
      throw new InvalidPropError(
        this,
        'clientId',
        `'${clientId}' is not a client of the cache (${[...this.credentials.keys()].join(', ')})`,
      );
    }
    return credentials;
  }

  /**
   * One alarm per node on `DatabaseMemoryUsagePercentage` (the share of
   * `maxmemory` in use, Maximum over 1 minute, 3 minutes in a row): with no
   * eviction, a full node refuses writes, so the alarm must come first.
   */
  public addMemoryAlarm(id: string, props: CacheMemoryAlarmProps): void {
    const threshold = props.thresholdPercent ?? 80;
    requireIntegerInRange(this, 'thresholdPercent', threshold, 1, 99);
    for (const node of this.nodeIds) {
      new CloudwatchMetricAlarm(this, `${id}${node.number}`, {
        alarmName: `${props.alarmNamePrefix}-${node.number}`,
        alarmDescription:
          `Cache node ${node.id} uses more than ${threshold} % of its memory; it evicts nothing (noeviction) and refuses writes when full: ` +
          'scale the node type up or find what grows',
        namespace: 'AWS/ElastiCache',
        metricName: 'DatabaseMemoryUsagePercentage',
        dimensions: { CacheClusterId: node.id },
        statistic: 'Maximum',
        period: 60,
        evaluationPeriods: 3,
        threshold,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'missing',
        alarmActions: [props.topicArn],
        okActions: [props.topicArn],
      });
    }
  }
}

function validateClients(scope: Construct, clients: readonly CacheClient[]): void {
  if (clients.length === 0) throw new InvalidPropError(scope, 'clients', 'give at least one client; without one, nothing could connect');
  const ids = new Set<string>();
  const names = new Set<string>();
  for (const [index, client] of clients.entries()) {
    const prop = `clients[${index}]`;
    if (!CLIENT_ID.test(client.id)) {
      throw new InvalidPropError(
        scope,
        `${prop}.id`,
        `must be 1-30 lower-case letters, digits and hyphens starting with a letter; got '${client.id}'`,
      );
    }
    const userName = client.userName ?? client.id;
    if (!USER_NAME.test(userName) || userName === 'default') {
      throw new InvalidPropError(
        scope,
        `${prop}.userName`,
        `must be 1-40 letters, digits and hyphens starting with a letter, and not 'default'; got '${userName}'`,
      );
    }
    if (ids.has(client.id)) throw new InvalidPropError(scope, `${prop}.id`, `'${client.id}' is given twice; each client has its own`);
    if (names.has(userName)) throw new InvalidPropError(scope, `${prop}.userName`, `'${userName}' is given twice; each client has its own`);
    ids.add(client.id);
    names.add(userName);
    if (client.access.trim() === '' || /(^|\s)(on|off|nopass|resetpass|reset|allkeys|[<>#!][^\s]*)(\s|$)/.test(client.access)) {
      throw new InvalidPropError(
        scope,
        `${prop}.access`,
        `give key and command rules only; 'on', passwords and 'reset' are set by the construct; got '${client.access}'`,
      );
    }
  }
}

/** `data-ingestion` → `DataIngestion`, for construct IDs. */
function pascalCase(id: string): string {
  return id
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * A password Terraform makes once, at the first apply: two random UUIDs
 * (244 random bits, 72 characters ElastiCache accepts), marked sensitive, kept
 * by `ignore_changes` until the resource is replaced. Built-in `terraform_data`:
 * no provider beyond hashicorp/aws, and nothing to call at plan time.
 */
function generatedPassword(scope: Construct, id: string): string {
  const generator = new DataResource(scope, id, {
    input: { password: Fn.sensitive(Fn.join('', [Fn.uuid(), Fn.uuid()])) },
    lifecycle: { ignoreChanges: ['input'] },
  });
  return Fn.lookup(generator.output, 'password');
}
