import { Construct, type IConstruct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { describeValue, InvalidPropError, requireNonEmptyString } from '../core/prop-error';

/** A CloudWatch log group, created here or elsewhere, that containers write to. */
export interface ILogGroup extends IConstruct {
  /** The log group's name (`awslogs-group`). */
  readonly logGroupName: string;
  /** The log group's ARN, on whose streams the execution role may write. */
  readonly logGroupArn: string;
}

export interface LogGroupAttributes {
  /** Name of the existing log group. */
  readonly logGroupName: string;
  /** ARN of the existing log group (without the trailing `:*`). */
  readonly logGroupArn: string;
}

/** Retention periods CloudWatch Logs accepts, in days. */
/** The retention periods CloudWatch Logs offers, in days. */
export const ALLOWED_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

export interface LogGroupProps {
  /** Name of the log group. */
  readonly name: string;
  /** Days to keep log events (one of CloudWatch's allowed values). @default 90 */
  readonly retentionDays?: number;
  /** ARN of a KMS key that encrypts the log events. @default CloudWatch Logs' own encryption */
  readonly kmsKeyArn?: string;
}

/** A CloudWatch log group with a retention period, for the containers of one service. */
export class LogGroup extends Construct implements ILogGroup {
  /** An existing log group, by name and ARN; creates nothing. */
  public static fromLogGroupAttributes(scope: Construct, id: string, attributes: LogGroupAttributes): ILogGroup {
    return new ImportedLogGroup(scope, id, attributes);
  }

  /** The log group's name (`awslogs-group`). */
  public readonly logGroupName: string;
  /** The log group's ARN. */
  public readonly logGroupArn: string;

  constructor(scope: Construct, id: string, props: LogGroupProps) {
    super(scope, id);
    const retentionInDays = props.retentionDays ?? 90;
    if (!ALLOWED_RETENTION_DAYS.includes(retentionInDays)) {
      throw new InvalidPropError(
        this,
        'retentionDays',
        `must be one of ${ALLOWED_RETENTION_DAYS.join(', ')}, got ${describeValue(retentionInDays)}`,
      );
    }
    const group = new CloudwatchLogGroup(this, 'Resource', {
      name: props.name,
      retentionInDays,
      ...(props.kmsKeyArn !== undefined ? { kmsKeyId: props.kmsKeyArn } : {}),
    });
    this.logGroupName = group.name;
    this.logGroupArn = group.arn;
  }
}

class ImportedLogGroup extends Construct implements ILogGroup {
  public readonly logGroupName: string;
  public readonly logGroupArn: string;

  constructor(scope: Construct, id: string, attributes: LogGroupAttributes) {
    super(scope, id);
    const owner = `LogGroup.fromLogGroupAttributes '${this.node.path}'`;
    requireNonEmptyString(owner, 'logGroupName', attributes.logGroupName);
    requireNonEmptyString(owner, 'logGroupArn', attributes.logGroupArn);
    this.logGroupName = attributes.logGroupName;
    this.logGroupArn = attributes.logGroupArn;
  }
}
