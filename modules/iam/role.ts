import { Construct, type IConstruct } from 'constructs';
import { requireNonEmptyString } from '../core/prop-error';

/** An IAM role, created here or elsewhere, that ECS tasks use. */
export interface IRole extends IConstruct {
  /** The role's ARN. */
  readonly roleArn: string;
}

/**
 * A role that exists already; the library attaches nothing to it.
 * @internal
 */
export class ImportedRole extends Construct implements IRole {
  constructor(
    scope: Construct,
    id: string,
    public readonly roleArn: string,
    factory: string,
  ) {
    super(scope, id);
    requireNonEmptyString(`${factory} '${this.node.path}'`, 'roleArn', roleArn);
  }
}
