import { Construct } from 'constructs';
import { TerraformVariable } from 'cdktf';

/** The account-specific inputs of the stack, as Terraform variables (`terraform/example.tfvars` shows them). */
export class StackInputs extends Construct {
  /** AWS region of the stack (`var.region`). */
  public readonly region: string;
  /** Project name, part of every resource name (`var.project`). */
  public readonly project: string;
  /** Internal DNS domain; the namespace is `<env>.<internal_domain>` (`var.internal_domain`). */
  public readonly internalDomain: string;
  /** ID of the existing VPC (`var.vpc_id`). */
  public readonly vpcId: string;
  /** IDs of the existing private ("protected") subnets of the tasks (`var.protected_subnet_ids`). */
  public readonly protectedSubnetIds: string[];
  /** ARN of the account's IAM OIDC provider for GitHub Actions (`var.github_oidc_provider_arn`). */
  public readonly githubOidcProviderArn: string;
  /** The GitHub repository whose workflows may assume the deploy role, `owner/name` (`var.github_repository`). */
  public readonly githubRepository: string;
  /** Image tag of the apps in their ECR repositories (`var.app_version`). */
  public readonly appVersion: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.region = variable(this, 'region', {
      type: 'string',
      default: 'ap-northeast-1',
      description: 'AWS region of the stack.',
    }).stringValue;
    this.project = variable(this, 'project', {
      type: 'string',
      default: 'ev-pipeline',
      description: 'Project name, part of every resource name (lower case, digits, hyphens).',
      validation: [
        {
          condition: '${can(regex("^[a-z][a-z0-9-]{1,20}$", var.project))}',
          errorMessage: 'project must be 2-21 characters of lower-case letters, digits and hyphens, starting with a letter.',
        },
      ],
    }).stringValue;
    this.internalDomain = variable(this, 'internal_domain', {
      type: 'string',
      default: 'ev-pipeline.internal',
      description: 'Internal DNS domain; the Cloud Map namespace is <env>.<internal_domain>.',
    }).stringValue;
    this.vpcId = variable(this, 'vpc_id', {
      type: 'string',
      description: 'ID of the existing VPC the services run in.',
      validation: [{ condition: '${can(regex("^vpc-[0-9a-f]+$", var.vpc_id))}', errorMessage: 'vpc_id must look like vpc-0123abcd.' }],
    }).stringValue;
    this.protectedSubnetIds = variable(this, 'protected_subnet_ids', {
      type: 'list(string)',
      description: 'IDs of the private subnets (no public IP, egress through NAT or VPC endpoints) of the tasks.',
      validation: [
        { condition: '${length(var.protected_subnet_ids) > 0}', errorMessage: 'protected_subnet_ids needs at least one subnet.' },
      ],
    }).listValue;
    this.githubOidcProviderArn = variable(this, 'github_oidc_provider_arn', {
      type: 'string',
      description: 'ARN of the IAM OIDC identity provider for token.actions.githubusercontent.com (the deploy role trusts it).',
      validation: [
        {
          condition:
            '${can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token[.]actions[.]githubusercontent[.]com$", var.github_oidc_provider_arn))}',
          errorMessage: 'github_oidc_provider_arn must be the ARN of the token.actions.githubusercontent.com OIDC provider.',
        },
      ],
    }).stringValue;
    this.githubRepository = variable(this, 'github_repository', {
      type: 'string',
      description: 'GitHub repository (owner/name) whose workflows deploy the application with the deploy role.',
      validation: [
        {
          condition: '${can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))}',
          errorMessage: 'github_repository must be owner/name.',
        },
      ],
    }).stringValue;
    this.appVersion = variable(this, 'app_version', {
      type: 'string',
      description: 'Image tag of both apps in their ECR repositories (tags are immutable).',
    }).stringValue;
  }
}

/** A Terraform variable with the name it has in the tfvars files (`var.vpc_id`, not `var.Inputs_vpc_id_1234`). */
export function variable(scope: Construct, name: string, config: ConstructorParameters<typeof TerraformVariable>[2]): TerraformVariable {
  const tfVariable = new TerraformVariable(scope, name, config);
  // Keep the article's variable names (var.vpc_id, not var.Inputs_vpc_id_1234).
  tfVariable.overrideLogicalId(name);
  return tfVariable;
}
