import { AppSecret, SecretStore, toAppSecret } from '../../../modules/ecs/app-secret';
import { Mesh } from '../../../modules/app-mesh/mesh';
import { newStack } from '../fixture';

const OWNER = "MeshedService 'test/Orders'";

describe('AppSecret', () => {
  test('a Secrets Manager ARN with a JSON key: ECS reads the key, the role is granted the secret', () => {
    // GIVEN
    const valueFrom = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf:password::';
    // WHEN
    const secret = toAppSecret(OWNER, 'spec.secrets.DB_PASSWORD', valueFrom);
    // THEN
    expect(secret).toMatchObject({
      store: SecretStore.SECRETS_MANAGER,
      resourceArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf',
      valueFrom,
    });
  });

  test('an SSM parameter ARN', () => {
    expect(toAppSecret(OWNER, 'spec.secrets.TOKEN', 'arn:aws:ssm:eu-west-1:111122223333:parameter/app/token')).toMatchObject({
      store: SecretStore.SSM_PARAMETER,
      resourceArn: 'arn:aws:ssm:eu-west-1:111122223333:parameter/app/token',
    });
  });

  test('a Terraform reference through the factories, which name the store', () => {
    const ref = new Mesh(newStack(), 'Mesh', { name: 'm' }).meshArn;
    expect(AppSecret.fromSecretsManager(ref, 'password')).toMatchObject({
      store: SecretStore.SECRETS_MANAGER,
      resourceArn: ref,
      valueFrom: `${ref}:password::`,
    });
    expect(AppSecret.fromSsmParameter(ref)).toMatchObject({ store: SecretStore.SSM_PARAMETER, resourceArn: ref, valueFrom: ref });
  });

  test.each([
    ['db-password', /'spec\.secrets\.DB': must be a Secrets Manager secret ARN .* got 'db-password' \(string\)/],
    ['arn:aws:s3:::bucket/key', /'spec\.secrets\.DB': must be a Secrets Manager secret ARN/],
  ])('rejects %p', (value, message) => {
    expect(() => toAppSecret(OWNER, 'spec.secrets.DB', value)).toThrow(
      new RegExp(`MeshedService 'test/Orders': invalid prop ${message.source}`),
    );
  });

  test('rejects a bare Terraform reference, whose store cannot be told', () => {
    const ref = new Mesh(newStack(), 'Mesh', { name: 'm' }).meshArn;
    expect(() => toAppSecret(OWNER, 'spec.secrets.DB', ref)).toThrow(
      /'spec\.secrets\.DB': a Terraform reference does not say which store holds the secret; use AppSecret\.fromSecretsManager\(arn\) or AppSecret\.fromSsmParameter\(arn\)/,
    );
  });
});
