import { Fn } from 'cdktf';

/**
 * The account ID inside `arn` (`arn:<partition>:<service>:<region>:<account>:…`),
 * as a Terraform expression. Lets a stack name its own account without
 * `data.aws_caller_identity`, whose STS call an offline plan cannot make.
 */
export function accountIdOf(arn: string): string {
  return Fn.element(Fn.split(':', arn), 4);
}
