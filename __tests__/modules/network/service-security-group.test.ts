import { Testing } from 'cdktf';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { ServiceSecurityGroup } from '../../../modules/network/service-security-group';
import { newStack, refOf, resources, synthJson } from '../fixture';

Testing.setupJest();

describe('ServiceSecurityGroup', () => {
  test('a group in the VPC with HTTPS out and nothing in; services add their own port rules', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const group = new ServiceSecurityGroup(stack, 'Sg', { name: 'sg', vpcId: 'vpc-1' });
    // THEN
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(SecurityGroup, { name: 'sg', vpc_id: 'vpc-1', lifecycle: { create_before_destroy: true } });
    expect(synth).toHaveResourceWithProperties(VpcSecurityGroupEgressRule, {
      security_group_id: refOf(group, 'id'),
      from_port: 443,
      to_port: 443,
      cidr_ipv4: '0.0.0.0/0',
    });
    expect(resources(synthJson(stack), 'aws_vpc_security_group_ingress_rule')).toEqual([]);
    expect(group.rulesManagedHere).toBe(true);
  });

  test('allowEgressTo opens a port towards another group', () => {
    const stack = newStack();
    const group = new ServiceSecurityGroup(stack, 'Sg', { name: 'sg', vpcId: 'vpc-1' });
    group.allowEgressTo(6379, 'sg-cache', 'cache');
    expect(Testing.synth(stack)).toHaveResourceWithProperties(VpcSecurityGroupEgressRule, {
      from_port: 6379,
      referenced_security_group_id: 'sg-cache',
    });
    expect(() => group.allowEgressTo(0, 'sg-cache', 'cache')).toThrow(/ServiceSecurityGroup 'test\/Sg': invalid prop 'port'/);
  });

  test('fromSecurityGroupId references a group whose rules are managed elsewhere, and creates nothing', () => {
    const stack = newStack();
    const group = ServiceSecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0123');
    expect(group).toMatchObject({ securityGroupId: 'sg-0123', rulesManagedHere: false });
    expect(synthJson(stack).resource).toBeUndefined();
  });
});
