import { AppSecret } from '../../../modules/ecs/app-secret';
import { TaskExecutionRole } from '../../../modules/iam/task-execution-role';
import { newStack, onlyResource, synthJson } from '../fixture';

describe('TaskExecutionRole', () => {
  const base = {
    name: 'orders-task-exec',
    repositoryArns: ['arn:aws:ecr:eu-west-1:111122223333:repository/orders'],
    logGroupArn: 'arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/orders',
  };

  test('pulls from its repositories and writes its log streams, nothing else', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new TaskExecutionRole(stack, 'Role', base);
    // THEN
    const policy = JSON.parse(onlyResource(synthJson(stack), 'aws_iam_role_policy').policy);
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['EcrLogin', 'PullImages', 'WriteLogs']);
    expect(policy.Statement[1].Resource).toEqual(base.repositoryArns);
    expect(policy.Statement[2].Resource).toEqual([`${base.logGroupArn}:log-stream:*`]);
  });

  test('reads exactly the secrets it is given, per store, once per secret', () => {
    const stack = newStack();
    const secretArn = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf';
    new TaskExecutionRole(stack, 'Role', {
      ...base,
      secrets: [
        AppSecret.fromSecretsManager(secretArn, 'user'),
        AppSecret.fromSecretsManager(secretArn, 'password'),
        AppSecret.fromSsmParameter('arn:aws:ssm:eu-west-1:111122223333:parameter/app/token'),
      ],
    });
    const policy = JSON.parse(onlyResource(synthJson(stack), 'aws_iam_role_policy').policy);
    expect(policy.Statement.slice(3)).toEqual([
      { Sid: 'ReadSecretsManagerSecrets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [secretArn] },
      {
        Sid: 'ReadSsmParameters',
        Effect: 'Allow',
        Action: ['ssm:GetParameters'],
        Resource: ['arn:aws:ssm:eu-west-1:111122223333:parameter/app/token'],
      },
    ]);
  });

  test('fromRoleArn references an existing role and creates nothing', () => {
    const stack = newStack();
    const role = TaskExecutionRole.fromRoleArn(stack, 'Role', 'arn:aws:iam::111122223333:role/exec');
    expect(role.roleArn).toBe('arn:aws:iam::111122223333:role/exec');
    expect(synthJson(stack).resource).toBeUndefined();
    expect(() => TaskExecutionRole.fromRoleArn(stack, 'Bad', '')).toThrow(
      /TaskExecutionRole\.fromRoleArn 'test\/Bad': invalid prop 'roleArn'/,
    );
  });
});
