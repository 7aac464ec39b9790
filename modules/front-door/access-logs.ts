import type { Construct } from 'constructs';
import { conditional, Fn, Op, Token, type ITerraformDependable } from 'cdktf';
import { InvalidPropError, requireIntegerInRange, requireNonEmptyString } from '../core/prop-error';
import { PrivateBucket } from './private-bucket';

/**
 * The Elastic Load Balancing account of each region opened before August
 * 2022, which writes the access logs there; regions opened since write as the
 * service principal `logdelivery.elasticloadbalancing.amazonaws.com`.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  'us-east-1': '127311923021',
  'us-east-2': '033677994240',
  'us-west-1': '027434742980',
  'us-west-2': '797873946194',
  'af-south-1': '098369216593',
  'ap-east-1': '754344448648',
  'ap-southeast-3': '589379963580',
  'ap-south-1': '718504428378',
  'ap-northeast-3': '383597477331',
  'ap-northeast-2': '600734575887',
  'ap-southeast-1': '114774131450',
  'ap-southeast-2': '783225319266',
  'ap-northeast-1': '582318560864',
  'ca-central-1': '985666609251',
  'eu-central-1': '054676820928',
  'eu-west-1': '156460612806',
  'eu-west-2': '652711504416',
  'eu-south-1': '635631232127',
  'eu-west-3': '009996457667',
  'eu-north-1': '897822967062',
  'me-south-1': '076674570225',
  'sa-east-1': '507241528517',
  'us-gov-west-1': '048591011584',
  'us-gov-east-1': '190560391635',
};

/** The service principal that writes load balancer access logs in regions opened since August 2022. */
export const ELB_LOG_DELIVERY_SERVICE = 'logdelivery.elasticloadbalancing.amazonaws.com';

/** What the lookup of a region without an ELB account yields. */
const NO_ACCOUNT = 'none';

/** Where an access-log destination is, once bound to a load balancer. */
export interface BoundAccessLogs {
  /** Name of the bucket. */
  readonly bucketName: string;
  /** Prefix of the log objects inside the bucket, if any. */
  readonly prefix?: string;
  /** What the load balancer must wait for (the bucket policy that lets it write). */
  readonly dependsOn: ITerraformDependable[];
}

/** What an access-log destination needs to know about the load balancer. */
export interface AccessLogsBindOptions {
  /** Prefix of the bucket's name (lowercase). */
  readonly bucketPrefix: string;
  /** The stack's region (may be a Terraform reference), to choose the log-delivery principal. */
  readonly region: string;
  /** Let `terraform destroy` delete a bucket created here with its log files. */
  readonly forceDestroy: boolean;
}

export interface NewAccessLogBucketOptions {
  /** Days after which log files expire. @default 90 */
  readonly expirationDays?: number;
}

export interface ExistingAccessLogBucketOptions {
  /** Name of the bucket; its policy must already let Elastic Load Balancing write (see the ALB access-log docs). */
  readonly bucketName: string;
  /** Prefix of the log objects; must not contain `AWSLogs` (ELB adds it) nor start or end with `/`. @default none */
  readonly prefix?: string;
}

/**
 * Where the load balancer writes its access logs: a bucket the front door
 * creates (private, SSE-S3, TLS-only, log files expire), or an existing one.
 */
export abstract class FrontDoorAccessLogs {
  /** A new private bucket with a TLS-only policy, the ELB log-delivery grant and an expiry rule. */
  public static toNewBucket(options: NewAccessLogBucketOptions = {}): FrontDoorAccessLogs {
    return new NewBucketAccessLogs(options);
  }

  /** An existing bucket, whose policy already lets Elastic Load Balancing write. */
  public static toExistingBucket(options: ExistingAccessLogBucketOptions): FrontDoorAccessLogs {
    return new ExistingBucketAccessLogs(options);
  }

  /** Checks the options in `scope`'s words and creates what the destination needs there. */
  public abstract bind(scope: Construct, options: AccessLogsBindOptions): BoundAccessLogs;
}

class NewBucketAccessLogs extends FrontDoorAccessLogs {
  constructor(private readonly options: NewAccessLogBucketOptions) {
    super();
  }

  public bind(scope: Construct, { bucketPrefix, region, forceDestroy }: AccessLogsBindOptions): BoundAccessLogs {
    const expirationDays = this.options.expirationDays ?? 90;
    requireIntegerInRange(scope, 'accessLogs.expirationDays', expirationDays, 1, 36_500);
    const bucket = new PrivateBucket(scope, 'AccessLogBucket', {
      bucketPrefix,
      expirationDays,
      forceDestroy,
      policyStatements: (bucketArn) => logDeliveryStatements(bucketArn, region),
    });
    return { bucketName: bucket.bucketName, dependsOn: [bucket.policy] };
  }
}

class ExistingBucketAccessLogs extends FrontDoorAccessLogs {
  constructor(private readonly options: ExistingAccessLogBucketOptions) {
    super();
  }

  public bind(scope: Construct): BoundAccessLogs {
    const { bucketName, prefix } = this.options;
    requireNonEmptyString(scope, 'accessLogs.bucketName', bucketName);
    if (prefix !== undefined && (prefix.length === 0 || /AWSLogs/.test(prefix) || prefix.startsWith('/') || prefix.endsWith('/'))) {
      throw new InvalidPropError(
        scope,
        'accessLogs.prefix',
        `must be non-empty, must not contain 'AWSLogs' and must not start or end with '/', got '${prefix}'`,
      );
    }
    return { bucketName, ...(prefix !== undefined ? { prefix } : {}), dependsOn: [] };
  }
}

/**
 * The statements that let Elastic Load Balancing write access logs under
 * `AWSLogs/` of the bucket: the service principal (all regions opened since
 * August 2022 use it), plus the region's ELB account where the region has
 * one: chosen here when `region` is a literal, by Terraform when it is a
 * reference (such as `data.aws_region.current.name`).
 */
export function logDeliveryStatements(bucketArn: string, region: string): unknown {
  const logObjects = Fn.join('', [bucketArn, '/AWSLogs/*']);
  const servicePrincipal = {
    Sid: 'ElbLogDeliveryService',
    Effect: 'Allow',
    Principal: { Service: ELB_LOG_DELIVERY_SERVICE },
    Action: 's3:PutObject',
    Resource: logObjects,
  };
  if (!Token.isUnresolved(region)) {
    const account = ELB_LOG_DELIVERY_ACCOUNTS[region];
    const partition = Fn.element(Fn.split(':', bucketArn), 1);
    return account === undefined
      ? [servicePrincipal]
      : [servicePrincipal, regionalAccountStatement(Fn.join('', ['arn:', partition, `:iam::${account}:root`]), logObjects)];
  }
  const regionalAccount = Fn.lookup(ELB_LOG_DELIVERY_ACCOUNTS, region, NO_ACCOUNT);
  const partition = Fn.element(Fn.split(':', bucketArn), 1);
  const accountPrincipal = regionalAccountStatement(Fn.join('', ['arn:', partition, ':iam::', regionalAccount, ':root']), logObjects);
  return Fn.concat([[servicePrincipal], conditional(Op.eq(regionalAccount, NO_ACCOUNT), [], [accountPrincipal])]);
}

function regionalAccountStatement(accountArn: string, logObjects: string) {
  return {
    Sid: 'ElbLogDeliveryRegionalAccount',
    Effect: 'Allow',
    Principal: { AWS: accountArn },
    Action: 's3:PutObject',
    Resource: logObjects,
  };
}
