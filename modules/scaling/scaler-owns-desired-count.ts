import { DefaultTokenResolver, StringConcat, TerraformStack, Tokenization } from 'cdktf';
import type { IConstruct, IValidation } from 'constructs';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';

/**
 * The synth-time check that the scaler alone moves the task count: an
 * `aws_ecs_service` of the scaled service's name in the same stack must
 * ignore changes to `desired_count` (`lifecycle.ignore_changes`, as
 * `FargateService` does by default with `ExternallyManaged.DESIRED_COUNT`),
 * else every `terraform apply` resets the count the scaler chose. A service
 * in another stack or outside Terraform is not checked. Added by
 * {@link ServiceScaling}.
 */
export class ScalerOwnsDesiredCountValidation implements IValidation {
  constructor(
    private readonly scaling: IConstruct,
    private readonly serviceName: string,
  ) {}

  public validate(): string[] {
    const stack = TerraformStack.of(this.scaling);
    const options = { scope: stack, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) };
    const resolved = (value: unknown) => JSON.stringify(Tokenization.resolve(value, options));
    const wanted = resolved(this.serviceName);
    const services = stack.node
      .findAll()
      .filter((construct): construct is EcsService => construct instanceof EcsService)
      .filter((service) => [service.name, service.nameInput].some((name) => resolved(name) === wanted));
    return services
      .filter((service) => {
        const ignored = service.lifecycle?.ignoreChanges;
        return !(ignored === 'all' || (Array.isArray(ignored) && ignored.includes('desired_count')));
      })
      .map(
        (service) =>
          `ServiceScaling '${this.scaling.node.path}': the ECS service '${service.node.path}' lets Terraform own desired_count, ` +
          'so every apply would reset the count the scaler chose; leave ExternallyManaged.DESIRED_COUNT in its externallyManaged ' +
          '(FargateService\'s default) or set lifecycle.ignore_changes = ["desired_count"]',
      );
  }
}
