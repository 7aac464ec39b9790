import { Construct } from 'constructs';
import { Testing, TerraformStack } from 'cdktf';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { RETRY_QUEUE_SETTINGS } from '../../../contract/retry-queue';
import { Duration } from '../../../modules/core/duration';
import { RetryQueue } from '../../../modules/queue/retry-queue';
import { requireWithinBudget, scalingFootprint } from '../../../modules/scaling/scaling-budget';
import { ScalingPolicy } from '../../../modules/scaling/scaling-policy';
import { requireServiceScalingSpec } from '../../../modules/scaling/service-scaling-check';
import type { ServiceScalingSpec } from '../../../modules/scaling/service-scaling-spec';
import { BUDGET, scale, scalingStack, spec, TASK_SIZE } from './scaling-fixture';

/** Constructs ServiceScaling of the fixture's service with `scaling`. */
function build(scaling: ServiceScalingSpec | Record<string, unknown>, props: Record<string, unknown> = {}) {
  return () => scale(scalingStack(), scaling as ServiceScalingSpec, props);
}

const OWNER = /^ServiceScaling 'test\/Scaling': invalid prop /;

describe('ServiceScaling rejects task counts', () => {
  test.each([
    ['minTasks', 0, /'scaling\.minTasks': must be an integer from 1 to 5000, got 0/],
    ['minTasks', 1.5, /'scaling\.minTasks': must be an integer from 1 to 5000, got 1\.5/],
    ['minTasks', '2', /'scaling\.minTasks': must be an integer from 1 to 5000, got '2' \(string\)/],
    ['maxTasks', 5_001, /'scaling\.maxTasks': must be an integer from 1 to 5000, got 5001/],
    ['maxTasks', undefined, /'scaling\.maxTasks': must be an integer from 1 to 5000, got undefined/],
  ])('%s = %p', (prop, value, message) => {
    expect(build({ ...spec(), [prop]: value })).toThrow(OWNER);
    expect(build({ ...spec(), [prop]: value })).toThrow(message);
  });

  test('minTasks above maxTasks', () => {
    expect(build(spec({ minTasks: 6, maxTasks: 4 }))).toThrow(
      /'scaling\.minTasks': 6 is more than maxTasks \(4\); allowed: at most maxTasks/,
    );
  });
});

describe('ServiceScaling checks maxTasks × the task size against the budget', () => {
  test('16 tasks of 0.5 vCPU / 1 GiB fill 8 vCPU / 16 GiB exactly', () => {
    expect(scalingFootprint(16, TASK_SIZE)).toEqual({ vcpu: 8, memoryGiB: 16 });
    expect(build(spec({ maxTasks: 16 }))).not.toThrow();
  });

  test('17 tasks need more vCPU than the budget: the message names the need and the most tasks that fit', () => {
    expect(build(spec({ maxTasks: 17 }))).toThrow(
      /'scaling\.maxTasks': 17 tasks of 512 CPU units \/ 1024 MiB need 8\.5 vCPU, over the budget's maxVcpu of 8; allowed: at most 16 tasks, or a larger budget/,
    );
  });

  test('memory over the budget while vCPU fits', () => {
    expect(build(spec({ maxTasks: 10, budget: { maxVcpu: 100, maxMemoryGiB: 4 } }))).toThrow(
      /'scaling\.maxTasks': 10 tasks of 512 CPU units \/ 1024 MiB need 10 GiB, over the budget's maxMemoryGiB of 4; allowed: at most 4 tasks/,
    );
  });

  test.each([
    ['maxVcpu', 0],
    ['maxVcpu', -1],
    ['maxMemoryGiB', Number.NaN],
    ['maxMemoryGiB', '16'],
  ])('budget.%s = %p', (key, value) => {
    expect(build(spec({ budget: { ...BUDGET, [key]: value } as never }))).toThrow(
      new RegExp(`'scaling\\.budget\\.${key}': must be a positive number`),
    );
  });

  test('no budget', () => {
    expect(build({ ...spec(), budget: undefined })).toThrow(/'scaling\.budget': must be \{ maxVcpu, maxMemoryGiB \}, got undefined/);
  });

  test('a task size Fargate does not offer', () => {
    expect(build(spec(), { taskSize: { cpu: 300, memory: 1024 } })).toThrow(/invalid prop 'taskSize\.cpu': Fargate offers 256, 512/);
  });

  test('requireWithinBudget names the caller and the prop it is given', () => {
    expect(() => requireWithinBudget("ServiceConnectService 'app/api'", 'spec.scaling', 40, TASK_SIZE, BUDGET)).toThrow(
      "ServiceConnectService 'app/api': invalid prop 'spec.scaling.maxTasks'",
    );
  });
});

describe('ServiceScaling rejects policies', () => {
  test('none', () => {
    expect(build(spec({ policies: [] }))).toThrow(/'scaling\.policies': give at least one ScalingPolicy/);
  });

  test('a plain object instead of a ScalingPolicy', () => {
    expect(build(spec({ policies: [{ metric: 'cpu-utilization' } as never] }))).toThrow(
      /'scaling\.policies\[0\]': must be a ScalingPolicy \(ScalingPolicy\.cpuUtilization\(\.\.\.\), \.\.\.\), got an object \(Object\)/,
    );
  });

  test('two policies on one signal', () => {
    const policies = [ScalingPolicy.cpuUtilization({ targetPercent: 50 }), ScalingPolicy.cpuUtilization({ targetPercent: 70 })];
    expect(build(spec({ policies }))).toThrow(
      /'scaling\.policies\[1\]': tracks cpu-utilization like policies\[0\]; allowed: one policy per signal/,
    );
  });

  test('every policy without scale-in', () => {
    expect(build(spec({ policies: [ScalingPolicy.cpuUtilization({ targetPercent: 50, disableScaleIn: true })] }))).toThrow(
      /'scaling\.policies': every policy has disableScaleIn: the service would never return to 2 tasks/,
    );
  });

  test('disableScaleIn that is not a boolean', () => {
    expect(build(spec({ policies: [ScalingPolicy.cpuUtilization({ targetPercent: 50, disableScaleIn: 'yes' as never })] }))).toThrow(
      /'scaling\.policies\[0\]\.disableScaleIn': must be true or false, got 'yes' \(string\)/,
    );
  });

  describe('targets out of range', () => {
    type Fixture = ReturnType<typeof scalingStack>;
    test.each([
      ['cpu 0 %', () => ScalingPolicy.cpuUtilization({ targetPercent: 0 }), 'targetPercent', 'from 1 to 100, got 0'],
      ['cpu 101 %', () => ScalingPolicy.cpuUtilization({ targetPercent: 101 }), 'targetPercent', 'from 1 to 100, got 101'],
      ['memory NaN', () => ScalingPolicy.memoryUtilization({ targetPercent: Number.NaN }), 'targetPercent', 'from 1 to 100, got NaN'],
      [
        'requests 0',
        ({ loadBalancer, targetGroup }: Fixture) => ScalingPolicy.requestCountPerTarget({ loadBalancer, targetGroup, requestsPerTask: 0 }),
        'requestsPerTask',
        'from 1 to 1000000, got 0',
      ],
      [
        'backlog 0.5',
        ({ queue }: Fixture) => ScalingPolicy.queueBacklogPerTask({ queue, backlogPerTask: 0.5 }),
        'backlogPerTask',
        'from 1 to 1000000, got 0.5',
      ],
    ])('%s', (_, policyOf, option, problem) => {
      const fixture = scalingStack();
      expect(() => scale(fixture, spec({ policies: [policyOf(fixture)] }))).toThrow(
        `invalid prop 'scaling.policies[0].${option}': must be a number ${problem}`,
      );
    });
  });

  describe('ARN suffixes CloudWatch would not know', () => {
    class Named extends Construct {
      constructor(
        scope: Construct,
        id: string,
        public readonly arnSuffix: string,
      ) {
        super(scope, id);
      }
    }
    test('a full ARN instead of the load balancer suffix', () => {
      const fixture = scalingStack();
      const loadBalancer = new Named(
        fixture.stack,
        'Lb',
        'arn:aws:elasticloadbalancing:ap-northeast-1:111122223333:loadbalancer/app/front/0123456789abcdef',
      );
      const policy = ScalingPolicy.requestCountPerTarget({ loadBalancer, targetGroup: fixture.targetGroup, requestsPerTask: 100 });
      expect(() => scale(fixture, spec({ policies: [policy] }))).toThrow(
        /'scaling\.policies\[0\]\.loadBalancer\.arnSuffix': must be an Application Load Balancer ARN suffix of the form app\/<name>\/<16 hex digits>, got 'arn:aws/,
      );
    });

    test('a network load balancer suffix', () => {
      const fixture = scalingStack();
      const loadBalancer = new Named(fixture.stack, 'Lb', 'net/front/0123456789abcdef');
      const policy = ScalingPolicy.requestCountPerTarget({ loadBalancer, targetGroup: fixture.targetGroup, requestsPerTask: 100 });
      expect(() => scale(fixture, spec({ policies: [policy] }))).toThrow(/'scaling\.policies\[0\]\.loadBalancer\.arnSuffix'/);
    });

    test('a target group named by its name alone', () => {
      const fixture = scalingStack();
      const targetGroup = new Named(fixture.stack, 'Tg', 'ingestion');
      const policy = ScalingPolicy.requestCountPerTarget({ loadBalancer: fixture.loadBalancer, targetGroup, requestsPerTask: 100 });
      expect(() => scale(fixture, spec({ policies: [policy] }))).toThrow(
        /'scaling\.policies\[0\]\.targetGroup\.arnSuffix': must be an Application Load Balancer ARN suffix of the form targetgroup\/<name>\/<16 hex digits>, got 'ingestion' \(string\)/,
      );
    });

    test('an aws_lb resource of type network', () => {
      const fixture = scalingStack();
      const loadBalancer = new Lb(fixture.stack, 'Nlb', {
        name: 'nlb',
        loadBalancerType: 'network',
        subnets: ['subnet-0123456789abcdef0'],
      });
      const policy = ScalingPolicy.requestCountPerTarget({ loadBalancer, targetGroup: fixture.targetGroup, requestsPerTask: 100 });
      expect(() => scale(fixture, spec({ policies: [policy] }))).toThrow(
        /'scaling\.policies\[0\]\.loadBalancer': is a 'network' load balancer; ALBRequestCountPerTarget exists only for an 'application' load balancer/,
      );
    });
  });
});

describe("ServiceScaling rejects a policy's metric source outside the stack", () => {
  test('a queue of another stack', () => {
    const fixture = scalingStack();
    const other = new TerraformStack(Testing.app(), 'shared');
    const queue = new RetryQueue(other, 'Queue', { name: 'elsewhere', settings: RETRY_QUEUE_SETTINGS });
    const policy = ScalingPolicy.queueBacklogPerTask({ queue, backlogPerTask: 100 });
    expect(() => scale(fixture, spec({ policies: [policy] }))).toThrow(
      /'scaling\.policies\[0\]\.queue': 'shared\/Queue' is in stack 'shared', not in this stack 'test'; allowed: a construct of this stack \(for a resource managed elsewhere, a data source here\)/,
    );
  });

  test('a target group of another stack of the same app', () => {
    const fixture = scalingStack();
    const edge = new TerraformStack(fixture.stack.node.scope as Construct, 'edge');
    const targetGroup = new LbTargetGroup(edge, 'Ingestion', {
      name: 'ingestion',
      port: 3000,
      protocol: 'HTTP',
      targetType: 'ip',
      vpcId: 'vpc-1',
    });
    const policy = ScalingPolicy.requestCountPerTarget({ loadBalancer: fixture.loadBalancer, targetGroup, requestsPerTask: 100 });
    expect(() => scale(fixture, spec({ policies: [policy] }))).toThrow(
      /'scaling\.policies\[0\]\.targetGroup': 'edge\/Ingestion' is in stack 'edge', not in this stack 'test'/,
    );
  });

  test('a load balancer in no stack', () => {
    const fixture = scalingStack();
    const loose = Object.assign(new Construct(Testing.app(), 'Loose'), { arnSuffix: 'app/front/0123456789abcdef' });
    const policy = ScalingPolicy.requestCountPerTarget({ loadBalancer: loose, targetGroup: fixture.targetGroup, requestsPerTask: 100 });
    expect(() => scale(fixture, spec({ policies: [policy] }))).toThrow(
      /'scaling\.policies\[0\]\.loadBalancer': 'Loose' is in no stack, not in this stack 'test'/,
    );
  });
});

describe('ServiceScaling rejects cooldowns', () => {
  test.each([
    ['scaleInCooldown', Duration.millis(1_500), '1500 ms'],
    ['scaleOutCooldown', Duration.seconds(3_601), '3601 s'],
    ['scaleInCooldown', Duration.seconds(-1), '-1 s'],
    ['scaleOutCooldown', 60, '60'],
  ])('%s = %s', (prop, value, shown) => {
    expect(build({ ...spec(), [prop]: value })).toThrow(
      `invalid prop 'scaling.${prop}': must be a Duration of whole seconds from 0 to 3600 s, got ${shown}`,
    );
  });

  test("a policy's own cooldown", () => {
    const policy = ScalingPolicy.cpuUtilization({ targetPercent: 50, scaleInCooldown: Duration.millis(250) });
    expect(build(spec({ policies: [policy] }))).toThrow(/'scaling\.policies\[0\]\.scaleInCooldown': must be a Duration of whole seconds/);
  });
});

describe('ServiceScaling rejects the service', () => {
  test('an empty service name', () => {
    expect(build(spec(), { serviceName: '' })).toThrow(/'serviceName': must be a non-empty string, got '' \(string\)/);
  });

  test('no spec at all', () => {
    expect(build(undefined as never)).toThrow(
      /'scaling': must be a ServiceScalingSpec \{ minTasks, maxTasks, policies, budget \}, got undefined/,
    );
  });
});

describe('requireServiceScalingSpec, for a composite that takes the spec as a prop of its own', () => {
  test("names the composite and the spec's prop path", () => {
    expect(() => requireServiceScalingSpec("ServiceConnectService 'app/api'", 'spec.scaling', spec({ minTasks: 0 }), TASK_SIZE)).toThrow(
      "ServiceConnectService 'app/api': invalid prop 'spec.scaling.minTasks': must be an integer from 1 to 5000, got 0",
    );
  });

  test('names the task size as the composite calls it', () => {
    expect(() => requireServiceScalingSpec('x', 'spec.scaling', spec(), { cpu: 512, memory: 512 }, 'spec.size')).toThrow(
      "x: invalid prop 'spec.size.memory': Fargate offers 1024-4096 MiB (4 sizes) with 512 CPU units, got 512",
    );
  });

  test('accepts a valid spec', () => {
    expect(() => requireServiceScalingSpec('x', 'spec.scaling', spec(), TASK_SIZE)).not.toThrow();
  });
});
