import { Construct } from 'constructs';
import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import { describeValue, InvalidPropError, requireIntegerInRange, requireNonEmptyString } from '../core/prop-error';

/** The rate-based rule's evaluation windows WAF offers, in seconds. */
export const RATE_LIMIT_WINDOWS_SECONDS = [60, 120, 300, 600] as const;
/** The smallest and largest limit of a WAF rate-based rule. */
export const RATE_LIMIT_RANGE = { min: 10, max: 2_000_000_000 } as const;
/** Name of the AWS managed rule group applied after the rate limit. */
export const COMMON_RULE_SET = 'AWSManagedRulesCommonRuleSet';

export interface FrontDoorWebAclProps {
  /** Name of the web ACL (its CloudWatch metric names derive from it). */
  readonly name: string;
  /** ARN of the load balancer the web ACL protects. */
  readonly loadBalancerArn: string;
  /**
   * Requests one client IP may send within the evaluation window before WAF
   * blocks it (10 to 2,000,000,000). The default, 2,000 per 5 minutes
   * (about 6.7 requests per second), stops a single host flooding the front
   * door, yet leaves room for many vehicles behind one carrier NAT address;
   * limits per vehicle belong behind authentication, in the service.
   * @default 2000
   */
  readonly rateLimit?: number;
  /** Seconds WAF looks back when it counts a client's requests: 60, 120, 300 or 600. @default 300 */
  readonly rateLimitWindowSeconds?: number;
  /**
   * Rules of the common rule set that only count instead of block, e.g.
   * `SizeRestrictions_BODY`, which blocks bodies over 8 KB.
   * @default none (every rule blocks)
   */
  readonly commonRuleSetCountOnly?: readonly string[];
}

/**
 * A regional WAFv2 web ACL associated with a load balancer: a rate-based rule
 * per client IP, then the AWS managed common rule set; CloudWatch metrics and
 * sampled requests on for the ACL and each rule. Requests no rule blocks are
 * allowed.
 */
export class FrontDoorWebAcl extends Construct {
  /** ARN of the web ACL. */
  public readonly webAclArn: string;
  /** CloudWatch metric name of the rate-based rule (namespace `AWS/WAFV2`). */
  public readonly rateLimitMetricName: string;

  constructor(scope: Construct, id: string, props: FrontDoorWebAclProps) {
    super(scope, id);
    requireNonEmptyString(this, 'name', props.name);
    const limit = props.rateLimit ?? 2_000;
    requireIntegerInRange(this, 'rateLimit', limit, RATE_LIMIT_RANGE.min, RATE_LIMIT_RANGE.max);
    const window = props.rateLimitWindowSeconds ?? 300;
    if (!(RATE_LIMIT_WINDOWS_SECONDS as readonly number[]).includes(window)) {
      throw new InvalidPropError(
        this,
        'rateLimitWindowSeconds',
        `must be one of ${RATE_LIMIT_WINDOWS_SECONDS.join(', ')}, got ${describeValue(window)}`,
      );
    }
    const countOnly = props.commonRuleSetCountOnly ?? [];
    countOnly.forEach((rule, index) => requireNonEmptyString(this, `commonRuleSetCountOnly[${index}]`, rule));

    const metric = (suffix: string) => ({
      cloudwatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${props.name}-${suffix}`,
    });
    this.rateLimitMetricName = `${props.name}-rate-limit`;
    const acl = new Wafv2WebAcl(this, 'Resource', {
      name: props.name,
      description: `Rate limit per client IP (${limit} per ${window} s) and the AWS common rule set`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: metric('web-acl'),
      rule: [
        {
          name: 'rate-limit-per-ip',
          priority: 0,
          action: { block: {} },
          statement: { rate_based_statement: { limit, evaluation_window_sec: window, aggregate_key_type: 'IP' } },
          visibilityConfig: metric('rate-limit'),
        },
        {
          name: 'aws-common-rule-set',
          priority: 1,
          overrideAction: { none: {} },
          statement: {
            managed_rule_group_statement: {
              vendor_name: 'AWS',
              name: COMMON_RULE_SET,
              ...(countOnly.length > 0 ? { rule_action_override: countOnly.map((name) => ({ name, action_to_use: { count: {} } })) } : {}),
            },
          },
          visibilityConfig: metric('common-rule-set'),
        },
      ],
    });
    this.webAclArn = acl.arn;
    new Wafv2WebAclAssociation(this, 'Association', { resourceArn: props.loadBalancerArn, webAclArn: acl.arn });
  }
}
