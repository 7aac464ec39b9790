import { AppTaskRole } from '../../../modules/iam/app-task-role';
import { taskScaleInProtectionStatements } from '../../../modules/scaling/task-scale-in-protection-statements';
import { onlyResource, refOf, synthJson } from '../fixture';
import { scalingStack } from './scaling-fixture';

describe('taskScaleInProtectionStatements', () => {
  test("grant the task role Get/UpdateTaskProtection on the cluster's tasks only", () => {
    const { stack, cluster } = scalingStack();
    new AppTaskRole(stack, 'ProcessingTaskRole', {
      name: 'processing-task',
      accountArn: 'arn:aws:logs:ap-northeast-1:111122223333:log-group:/ecs/processing',
      statements: taskScaleInProtectionStatements(cluster),
    });
    // The policy is a Terraform template until the cluster exists: Terraform evaluates the replace() inside it
    // (`terraform plan` of the offline scaling stack shows the evaluated document).
    const clusterId = refOf(cluster, 'id').slice(2, -1);
    expect(onlyResource(synthJson(stack), 'aws_iam_role_policy').policy).toBe(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'SetOwnScaleInProtection',
            Effect: 'Allow',
            Action: ['ecs:GetTaskProtection', 'ecs:UpdateTaskProtection'],
            Resource: ['RESOURCE'],
          },
        ],
      }).replace('RESOURCE', `\${replace(${clusterId}, ":cluster/", ":task/")}/*`),
    );
  });
});
