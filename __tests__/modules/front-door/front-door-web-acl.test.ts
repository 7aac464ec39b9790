import { Testing } from 'cdktf';
import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import { FrontDoor } from '../../../modules/front-door/front-door';
import { newStack, resources } from '../fixture';
import { frontDoorProps } from './fixture';

Testing.setupJest();

const metrics = (name: string) => ({ cloudwatch_metrics_enabled: true, sampled_requests_enabled: true, metric_name: name });

describe('the front door web ACL with its defaults', () => {
  const stack = newStack();
  new FrontDoor(stack, 'FrontDoor', frontDoorProps());
  const synth = Testing.synth(stack);

  test('is regional, allows by default, rate-limits each client IP to 2000 requests per 5 minutes, then applies the common rule set', () => {
    expect(synth).toHaveResourceWithProperties(Wafv2WebAcl, {
      name: 'ingest-waf',
      scope: 'REGIONAL',
      default_action: { allow: {} },
      visibility_config: metrics('ingest-waf-web-acl'),
      rule: [
        {
          name: 'rate-limit-per-ip',
          priority: 0,
          action: { block: {} },
          statement: { rate_based_statement: { limit: 2000, evaluation_window_sec: 300, aggregate_key_type: 'IP' } },
          visibility_config: metrics('ingest-waf-rate-limit'),
        },
        {
          name: 'aws-common-rule-set',
          priority: 1,
          override_action: { none: {} },
          statement: { managed_rule_group_statement: { vendor_name: 'AWS', name: 'AWSManagedRulesCommonRuleSet' } },
          visibility_config: metrics('ingest-waf-common-rule-set'),
        },
      ],
    });
  });

  test('is associated with the load balancer', () => {
    expect(synth).toHaveResourceWithProperties(Wafv2WebAclAssociation, {
      resource_arn: '${aws_lb.FrontDoor_LoadBalancer_B3799F30.arn}',
      web_acl_arn: '${aws_wafv2_web_acl.FrontDoor_WebAcl_DE052FEE.arn}',
    });
  });
});

describe('the front door web ACL with its options', () => {
  test('takes the rate limit, window and the common rules that only count', () => {
    const stack = newStack();
    new FrontDoor(
      stack,
      'FrontDoor',
      frontDoorProps({ webAcl: { rateLimit: 600, rateLimitWindowSeconds: 60, commonRuleSetCountOnly: ['SizeRestrictions_BODY'] } }),
    );
    const [acl] = resources(JSON.parse(Testing.synth(stack)), 'aws_wafv2_web_acl');
    expect(acl.rule[0].statement.rate_based_statement).toEqual({ limit: 600, evaluation_window_sec: 60, aggregate_key_type: 'IP' });
    expect(acl.rule[1].statement.managed_rule_group_statement.rule_action_override).toEqual([
      { name: 'SizeRestrictions_BODY', action_to_use: { count: {} } },
    ]);
  });

  test.each([
    [{ rateLimit: 9 }, /invalid prop 'rateLimit': must be an integer from 10 to 2000000000, got 9/],
    [{ rateLimit: 2_000_000_001 }, /invalid prop 'rateLimit'.*got 2000000001/],
    [{ rateLimit: 100.5 }, /invalid prop 'rateLimit'/],
    [{ rateLimitWindowSeconds: 30 }, /invalid prop 'rateLimitWindowSeconds': must be one of 60, 120, 300, 600, got 30/],
    [{ commonRuleSetCountOnly: [''] }, /invalid prop 'commonRuleSetCountOnly\[0\]': must be a non-empty string/],
  ])('rejects %j', (webAcl, message) => {
    expect(() => new FrontDoor(newStack(), 'FrontDoor', frontDoorProps({ webAcl }))).toThrow(message);
  });

  test('accepts the bounds of the rate limit', () => {
    expect(() => new FrontDoor(newStack(), 'FrontDoor', frontDoorProps({ webAcl: { rateLimit: 10 } }))).not.toThrow();
    expect(() => new FrontDoor(newStack(), 'FrontDoor', frontDoorProps({ webAcl: { rateLimit: 2_000_000_000 } }))).not.toThrow();
  });
});
