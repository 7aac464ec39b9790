import type { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { PROCESSING_RETRY_POLICY } from '../contract/retry-policy';
import { DATA_INGESTION, DATA_PROCESSING, EV_PATH } from '../contract/services';
import { serviceSettings, type EnvironmentConfig } from '../config/environments';
import { PrivateDnsNamespace } from './discovery/private-dns-namespace';
import { Cluster } from './ecs/cluster';
import { EnvoyImage } from './ecs/envoy-image';
import { Mesh } from './mesh/mesh';
import { RetryPolicy } from './mesh/retry-policy';
import type { MeshPlatform } from './mesh-platform';
import { MeshedService } from './meshed-service';
import { MeshSecurityGroup } from './network/mesh-security-group';
import { StackInputs } from './stack-inputs';

export interface DataPipelineStackProps {
  /** The environment's typed configuration. */
  readonly config: EnvironmentConfig;
  /** Tag of the App Mesh Envoy image. @default DEFAULT_ENVOY_VERSION */
  readonly envoyVersion?: string;
}

/**
 * The article's pipeline: data-ingestion → data-processing in an App Mesh on
 * ECS Fargate, the processing route carrying the contract's retry policy,
 * with timeouts along the call path that let all of its retries happen.
 */
export class DataPipelineStack extends TerraformStack {
  /** The Terraform variables of the stack. */
  public readonly inputs: StackInputs;
  /** What every service of the mesh shares; pass it to a further {@link MeshedService}. */
  public readonly platform: MeshPlatform;
  /** The data-processing service. */
  public readonly processing: MeshedService;
  /** The data-ingestion service. */
  public readonly ingestion: MeshedService;

  constructor(scope: Construct, id: string, props: DataPipelineStackProps) {
    super(scope, id);
    const { config } = props;
    this.inputs = new StackInputs(this, 'Inputs');
    const namePrefix = `${config.env}-${this.inputs.project}`;
    new AwsProvider(this, 'aws', {
      region: this.inputs.region,
      defaultTags: [{ tags: { Project: this.inputs.project, Environment: config.env, ManagedBy: 'cdktf' } }],
    });
    const region = new DataAwsRegion(this, 'current').name;
    const partition = new DataAwsPartition(this, 'partition').partition;

    const dnsDomain = `${config.env}.${this.inputs.internalDomain}`;
    this.platform = {
      mesh: new Mesh(this, 'Mesh', { name: `${namePrefix}-app-mesh` }),
      namespace: new PrivateDnsNamespace(this, 'Namespace', {
        name: dnsDomain,
        vpcId: this.inputs.vpcId,
        description: `${namePrefix}-private-dns-namespace`,
      }),
      dnsDomain,
      cluster: new Cluster(this, 'Cluster', { name: `${namePrefix}-ecs-cluster` }),
      securityGroup: new MeshSecurityGroup(this, 'SecurityGroup', {
        name: `${namePrefix}-ecs-service`,
        vpcId: this.inputs.vpcId,
      }),
      namePrefix,
      region,
      partition,
      subnetIds: this.inputs.protectedSubnetIds,
      appVersion: this.inputs.appVersion,
      envoyImage: EnvoyImage.appMeshRegional({ region, partition, version: props.envoyVersion }),
    };

    const common = {
      platform: this.platform,
      logRetentionDays: config.logRetentionDays,
      enableExecuteCommand: config.enableExecuteCommand,
    };
    this.processing = new MeshedService(this, 'DataProcessing', {
      ...common,
      identity: DATA_PROCESSING,
      settings: serviceSettings(config, DATA_PROCESSING.name),
      retryPolicy: RetryPolicy.fromSpec(PROCESSING_RETRY_POLICY),
    });
    this.ingestion = new MeshedService(this, 'DataIngestion', {
      ...common,
      identity: DATA_INGESTION,
      settings: serviceSettings(config, DATA_INGESTION.name),
      backends: [this.processing],
      appEnvironment: { DATA_PROCESSING_URL: this.processing.urlOf(EV_PATH) },
    });

    new TerraformOutput(this, 'ingestion_url', {
      value: this.ingestion.urlOf(EV_PATH),
      description: 'URL of data-ingestion inside the mesh (reach it from a task or through Session Manager).',
    });
    new TerraformOutput(this, 'ecr_repository_urls', {
      value: { [DATA_INGESTION.name]: this.ingestion.repository.repositoryUrl, [DATA_PROCESSING.name]: this.processing.repository.repositoryUrl },
      description: 'Push the app images here, tagged with var.app_version.',
    });
    new TerraformOutput(this, 'cluster_name', { value: this.platform.cluster.clusterName });
    new TerraformOutput(this, 'mesh_name', { value: this.platform.mesh.meshName });
  }
}
