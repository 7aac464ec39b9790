import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { InvalidPropError } from '../core/prop-error';

/** Retention periods CloudWatch Logs accepts, in days. */
const ALLOWED_RETENTION_DAYS = [
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
export class LogGroup extends Construct {
  /** The log group's name (`awslogs-group`). */
  public readonly logGroupName: string;
  /** The log group's ARN. */
  public readonly logGroupArn: string;

  constructor(scope: Construct, id: string, props: LogGroupProps) {
    super(scope, id);
    const retentionInDays = props.retentionDays ?? 90;
    if (!ALLOWED_RETENTION_DAYS.includes(retentionInDays)) {
      throw new InvalidPropError(this, 'retentionDays', `must be one of ${ALLOWED_RETENTION_DAYS.join(', ')}, got ${retentionInDays}`);
    }
    const group = new CloudwatchLogGroup(this, 'Resource', {
      name: props.name,
      retentionInDays,
      kmsKeyId: props.kmsKeyArn,
    });
    this.logGroupName = group.name;
    this.logGroupArn = group.arn;
  }
}
