import { Construct } from 'constructs';
import { variable } from './stack-inputs';

/** The account-specific inputs of the front door for vehicles, as Terraform variables (`terraform/example-front-door.tfvars`). */
export class FrontDoorInputs extends Construct {
  /** IDs of the public subnets of the load balancer, in at least two zones (`var.public_subnet_ids`). */
  public readonly publicSubnetIds: string[];
  /** ARN of the ACM certificate of the front door's host name (`var.front_door_certificate_arn`). */
  public readonly certificateArn: string;
  /** S3 bucket of the vehicles' CA bundle (`var.vehicle_ca_bundle_bucket`). */
  public readonly caBundleBucket: string;
  /** Key of the vehicles' CA bundle, PEM, in that bucket (`var.vehicle_ca_bundle_key`). */
  public readonly caBundleKey: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.publicSubnetIds = variable(this, 'public_subnet_ids', {
      type: 'list(string)',
      description: 'IDs of the public subnets of the front door (the internet-facing load balancer), in at least two Availability Zones.',
      validation: [
        { condition: '${length(var.public_subnet_ids) >= 2}', errorMessage: 'public_subnet_ids needs subnets in at least two zones.' },
      ],
    }).listValue;
    this.certificateArn = variable(this, 'front_door_certificate_arn', {
      type: 'string',
      description: 'ARN of the ACM certificate the front door presents (its host name).',
      validation: [
        {
          condition: '${can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+$", var.front_door_certificate_arn))}',
          errorMessage: 'front_door_certificate_arn must be an ACM certificate ARN.',
        },
      ],
    }).stringValue;
    this.caBundleBucket = variable(this, 'vehicle_ca_bundle_bucket', {
      type: 'string',
      description: 'S3 bucket holding the PEM bundle of the CAs that issue vehicle certificates (the trust store of mutual TLS).',
    }).stringValue;
    this.caBundleKey = variable(this, 'vehicle_ca_bundle_key', {
      type: 'string',
      default: 'vehicle-ca-bundle.pem',
      description: 'Key of the vehicles CA bundle in vehicle_ca_bundle_bucket.',
    }).stringValue;
  }
}
