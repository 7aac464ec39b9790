import { Testing, TerraformStack } from 'cdktf';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { ServiceSecurityGroup } from '../../../modules/network/service-security-group';
import { ServicePortRules } from '../../../modules/network/service-port-rules';
import { newStack, refOf, resources, synthJson } from '../fixture';

Testing.setupJest();

describe('ServicePortRules', () => {
  test("opens the port both ways between the group's members, in the caller's scope", () => {
    // GIVEN
    const stack = newStack();
    const group = new ServiceSecurityGroup(stack, 'Sg', { name: 'sg', vpcId: 'vpc-1' });
    // WHEN
    const rules = new ServicePortRules(stack, 'OrdersPort', { securityGroup: group, port: 3001, serviceName: 'orders' });
    // THEN
    expect(rules.created).toBe(true);
    expect(Testing.synth(stack)).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      description: "orders app port from the mesh's tasks",
      from_port: 3001,
      to_port: 3001,
      ip_protocol: 'tcp',
      security_group_id: refOf(group, 'id'),
      referenced_security_group_id: refOf(group, 'id'),
    });
    const json = synthJson(stack);
    expect(Object.keys(json.resource.aws_vpc_security_group_ingress_rule)).toEqual([expect.stringMatching(/^OrdersPort_Ingress_/)]);
    expect(
      resources(json, 'aws_vpc_security_group_egress_rule')
        .map((rule) => rule.from_port)
        .sort(),
    ).toEqual([3001, 443]);
  });

  test('opens a port of a group once: a second service on the same port adds nothing', () => {
    const stack = newStack();
    const group = new ServiceSecurityGroup(stack, 'Sg', { name: 'sg', vpcId: 'vpc-1' });
    new ServicePortRules(stack, 'A', { securityGroup: group, port: 3001, serviceName: 'a' });
    const second = new ServicePortRules(stack, 'B', { securityGroup: group, port: 3001, serviceName: 'b' });
    expect(second.created).toBe(false);
    expect(resources(synthJson(stack), 'aws_vpc_security_group_ingress_rule')).toHaveLength(1);
  });

  test('adds no rule to a group whose rules are managed elsewhere', () => {
    const stack = new TerraformStack(Testing.app(), 'other');
    const group = ServiceSecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0123');
    expect(new ServicePortRules(stack, 'Port', { securityGroup: group, port: 3001, serviceName: 'orders' }).created).toBe(false);
    expect(Testing.synth(stack)).not.toContain('aws_vpc_security_group_ingress_rule');
  });

  test('rejects a port out of range', () => {
    const stack = newStack();
    const group = new ServiceSecurityGroup(stack, 'Sg', { name: 'sg', vpcId: 'vpc-1' });
    expect(() => new ServicePortRules(stack, 'Port', { securityGroup: group, port: 70_000, serviceName: 'x' })).toThrow(
      /ServicePortRules 'test\/Port': invalid prop 'port': must be an integer from 1 to 65535, got 70000/,
    );
  });
});
