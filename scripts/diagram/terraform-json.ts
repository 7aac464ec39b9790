/**
 * A synthesized stack's Terraform JSON (cdk.tf.json), as far as the diagram
 * reads it: the resource shapes it looks at (attribute names as hashicorp/aws
 * 5.100 and CDKTF write them), references between resources
 * (`${type.id.attribute}`), and strings shown to people.
 */

/** One block that CDKTF writes as an object, or several as an array. */
export type Blocks<T> = T | readonly T[];

/** An App Mesh duration. */
export interface DurationJson {
  readonly unit?: string;
  readonly value?: number;
}

export interface EcsServiceJson {
  readonly name?: string;
  readonly task_definition?: string;
  readonly service_connect_configuration?: {
    readonly namespace?: string;
    readonly service?: Blocks<ServiceConnectServiceJson>;
  };
}

export interface ServiceConnectServiceJson {
  readonly port_name?: string;
  readonly discovery_name?: string;
  readonly client_alias?: Blocks<{ readonly port: number; readonly dns_name?: string }>;
  readonly timeout?: { readonly per_request_timeout_seconds?: number; readonly idle_timeout_seconds?: number };
  readonly tls?: unknown;
}

export interface TaskDefinitionJson {
  /** The container definitions, as a JSON string. */
  readonly container_definitions?: string;
}

export interface ContainerJson {
  readonly environment?: readonly EnvironmentVariable[];
}

export interface EnvironmentVariable {
  readonly name: string;
  readonly value: string;
}

export interface VirtualNodeListenerJson {
  readonly port_mapping?: { readonly port?: number };
  readonly timeout?: { readonly http?: { readonly per_request?: DurationJson }; readonly http2?: { readonly per_request?: DurationJson } };
  readonly outlier_detection?: {
    readonly base_ejection_duration?: DurationJson;
    readonly interval?: DurationJson;
    readonly max_server_errors?: number;
  };
}

export interface VirtualNodeJson {
  readonly spec?: {
    readonly backend?: Blocks<{ readonly virtual_service?: { readonly virtual_service_name?: string } }>;
    readonly listener?: Blocks<VirtualNodeListenerJson>;
  };
}

export interface VirtualServiceJson {
  readonly spec?: {
    readonly provider?: {
      readonly virtual_router?: { readonly virtual_router_name?: string };
      readonly virtual_node?: { readonly virtual_node_name?: string };
    };
  };
}

export interface RouteSpecJson {
  readonly action?: { readonly weighted_target?: Blocks<{ readonly virtual_node?: string; readonly weight?: number }> };
  readonly match?: { readonly prefix?: string };
  readonly retry_policy?: {
    readonly max_retries?: number;
    readonly per_retry_timeout?: DurationJson;
    readonly http_retry_events?: readonly string[];
    readonly grpc_retry_events?: readonly string[];
    readonly tcp_retry_events?: readonly string[];
  };
  readonly timeout?: { readonly per_request?: DurationJson };
}

export interface RouteJson {
  readonly name?: string;
  readonly virtual_router_name?: string;
  readonly spec?: {
    readonly http_route?: RouteSpecJson;
    readonly http2_route?: RouteSpecJson;
    readonly grpc_route?: RouteSpecJson;
    readonly tcp_route?: RouteSpecJson;
  };
}

export interface QueueJson {
  readonly name?: string;
  readonly fifo_queue?: boolean;
  readonly visibility_timeout_seconds?: number;
  readonly message_retention_seconds?: number;
  /** The redrive policy, as a JSON string. */
  readonly redrive_policy?: string;
}

export interface QueueRedrivePolicyJson {
  readonly queue_url?: string;
  readonly redrive_policy?: string;
}

export interface CacheJson {
  readonly replication_group_id?: string;
  readonly engine?: string;
  readonly engine_version?: string;
}

export interface MetricQueryJson {
  readonly expression?: string;
  readonly return_data?: boolean;
  readonly metric?: { readonly metric_name?: string; readonly dimensions?: Readonly<Record<string, string>> };
}

export interface MetricAlarmJson {
  readonly alarm_name?: string;
  readonly comparison_operator?: string;
  readonly threshold?: number;
  readonly metric_name?: string;
  readonly dimensions?: Readonly<Record<string, string>>;
  readonly metric_query?: Blocks<MetricQueryJson>;
  readonly alarm_actions?: readonly string[];
}

export interface TopicJson {
  readonly name?: string;
}

/** The resource types the diagram reads, by Terraform type. */
export interface ResourceShapes {
  readonly aws_ecs_service: EcsServiceJson;
  readonly aws_ecs_task_definition: TaskDefinitionJson;
  readonly aws_appmesh_virtual_node: VirtualNodeJson;
  readonly aws_appmesh_virtual_service: VirtualServiceJson;
  readonly aws_appmesh_route: RouteJson;
  readonly aws_sqs_queue: QueueJson;
  readonly aws_sqs_queue_redrive_policy: QueueRedrivePolicyJson;
  readonly aws_elasticache_replication_group: CacheJson;
  readonly aws_cloudwatch_metric_alarm: MetricAlarmJson;
  readonly aws_sns_topic: TopicJson;
}

/** Terraform JSON of a stack. */
export interface TerraformJson {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly variable?: Readonly<Record<string, { readonly default?: unknown }>>;
}

/** A reference to a resource's attribute. */
export interface Ref {
  readonly type: string;
  readonly id: string;
  readonly attribute: string;
}

const REFERENCE = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}/g;

/** Blocks as a list (none when absent). */
export function list<T>(value: Blocks<T> | undefined): readonly T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value as T];
}

/** The resource references in a string, in order. */
export function refsIn(value: unknown): Ref[] {
  if (typeof value !== 'string') return [];
  return [...value.matchAll(REFERENCE)].map(([, type, id, attribute]) => ({ type, id, attribute }));
}

/** The reference a string consists of, if it is exactly one. */
export function refOf(value: unknown): Ref | undefined {
  const [ref] = refsIn(value);
  return ref !== undefined && value === `\${${ref.type}.${ref.id}.${ref.attribute}}` ? ref : undefined;
}

/** The graph's id of a resource: `type.id`. */
export const resourceKey = (type: string, id: string): string => `${type}.${id}`;

/** Typed access to a stack's resources. */
export class StackJson {
  constructor(private readonly json: TerraformJson) {}

  /** The resources of `type`, by logical id, sorted by logical id. */
  public all<T extends keyof ResourceShapes>(type: T): [string, ResourceShapes[T]][] {
    const resources = (this.json.resource?.[type] ?? {}) as Readonly<Record<string, ResourceShapes[T]>>;
    return Object.entries(resources).sort(([a], [b]) => a.localeCompare(b));
  }

  /** The resource `ref` points at, when it is of `type`. */
  public find<T extends keyof ResourceShapes>(ref: Ref | undefined, type: T): ResourceShapes[T] | undefined {
    return ref?.type === type ? (this.json.resource?.[type]?.[ref.id] as ResourceShapes[T] | undefined) : undefined;
  }

  /**
   * A Terraform string for people: `${var.x}` by the variable's default (else
   * `‹x›`), a reference to a resource's name or id by that resource's name
   * (else `‹type.id.attribute›`).
   */
  public display(value: unknown, depth = 0): string {
    return String(value).replace(/\$\{([^}]+)\}/g, (expression: string, inner: string) => {
      const variable = /^var\.([A-Za-z0-9_-]+)$/.exec(inner);
      if (variable) {
        const fallback = this.json.variable?.[variable[1]]?.default;
        return typeof fallback === 'string' || typeof fallback === 'number' ? String(fallback) : `‹${variable[1]}›`;
      }
      const ref = refOf(expression);
      if (ref === undefined) return `‹${inner}›`;
      const target = this.json.resource?.[ref.type]?.[ref.id] as { readonly name?: unknown } | undefined;
      const named = ref.attribute === 'name' || ref.attribute === 'id' ? target?.name : undefined;
      return typeof named === 'string' && depth < 5 ? this.display(named, depth + 1) : `‹${ref.type}.${ref.id}.${ref.attribute}›`;
    });
  }
}
