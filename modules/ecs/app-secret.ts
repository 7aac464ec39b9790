import { Token } from 'cdktf';
import { describeValue, InvalidPropError } from '../core/prop-error';

/** Where ECS reads a secret it passes to a container as an environment variable. */
export enum SecretStore {
  /** AWS Secrets Manager (`secretsmanager:GetSecretValue`). */
  SECRETS_MANAGER = 'secretsmanager',
  /** AWS Systems Manager Parameter Store (`ssm:GetParameters`). */
  SSM_PARAMETER = 'ssm',
}

/**
 * A secret of the app container: ECS reads it at task start with the task
 * execution role and sets it as an environment variable, so it never
 * appears in the task definition.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar.html
 */
export class AppSecret {
  /**
   * A Secrets Manager secret by ARN; `jsonKey` picks one key of a JSON secret.
   * @param secretArn the secret's full ARN (a Terraform reference is fine)
   */
  public static fromSecretsManager(secretArn: string, jsonKey?: string): AppSecret {
    return new AppSecret(SecretStore.SECRETS_MANAGER, secretArn, jsonKey === undefined ? secretArn : `${secretArn}:${jsonKey}::`);
  }

  /** An SSM parameter by ARN (`arn:<partition>:ssm:<region>:<account>:parameter/<name>`; a Terraform reference is fine). */
  public static fromSsmParameter(parameterArn: string): AppSecret {
    return new AppSecret(SecretStore.SSM_PARAMETER, parameterArn, parameterArn);
  }

  /**
   * The secret whose `valueFrom` ARN is `valueFrom`: a Secrets Manager ARN
   * (optionally with `:<json key>:<version stage>:<version id>`) or an SSM
   * parameter ARN; undefined when the store cannot be read from it (a
   * Terraform reference, or not such an ARN).
   */
  public static tryParse(valueFrom: string): AppSecret | undefined {
    if (Token.isUnresolved(valueFrom)) return undefined;
    const parts = valueFrom.split(':');
    if (parts[0] !== 'arn') return undefined;
    if (parts[2] === 'secretsmanager' && parts[5] === 'secret' && parts.length >= 7) {
      return new AppSecret(SecretStore.SECRETS_MANAGER, parts.slice(0, 7).join(':'), valueFrom);
    }
    if (parts[2] === 'ssm' && parts.length === 6 && parts[5]?.startsWith('parameter/')) {
      return new AppSecret(SecretStore.SSM_PARAMETER, valueFrom, valueFrom);
    }
    return undefined;
  }

  private constructor(
    /** The store ECS reads the secret from. */
    public readonly store: SecretStore,
    /** The ARN the execution role is granted read access to. */
    public readonly resourceArn: string,
    /** The `valueFrom` of the container definition. */
    public readonly valueFrom: string,
  ) {}
}

/**
 * `value` as an {@link AppSecret}; throws naming `prop` when a string's store cannot be read from it.
 * @internal
 */
export function toAppSecret(owner: string, prop: string, value: string | AppSecret): AppSecret {
  if (value instanceof AppSecret) return value;
  const secret = typeof value === 'string' ? AppSecret.tryParse(value) : undefined;
  if (secret) return secret;
  if (typeof value === 'string' && Token.isUnresolved(value)) {
    throw new InvalidPropError(
      owner,
      prop,
      'a Terraform reference does not say which store holds the secret; use AppSecret.fromSecretsManager(arn) or AppSecret.fromSsmParameter(arn)',
    );
  }
  throw new InvalidPropError(
    owner,
    prop,
    'must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>) or an SSM parameter ARN ' +
      `(arn:aws:ssm:<region>:<account>:parameter/<name>), got ${describeValue(value)}`,
  );
}
