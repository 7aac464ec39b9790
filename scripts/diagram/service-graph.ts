/**
 * The service graph of one synthesized stack, read from its cdk.tf.json: the
 * ECS services, who calls whom and on which terms, the queues and caches they
 * use, and the alarms.
 *
 * Calls come from the data plane's own resources:
 * - App Mesh: a virtual node's backends name virtual services; a virtual
 *   service's provider is a virtual router (its routes: weighted targets,
 *   retry policy, timeout) or a virtual node; a virtual node belongs to the
 *   ECS service whose task definition gives it to Envoy as APPMESH_RESOURCE_ARN.
 * - ECS Service Connect: a server service publishes client aliases
 *   (`service_connect_configuration.service[].client_alias`: port and DNS
 *   name, which AWS defaults to `<discovery name>.<namespace>`); a client is a
 *   service whose container environment holds a URL to that alias.
 * Uses: a container environment variable whose value refers to a queue or a cache.
 */
import {
  list,
  refOf,
  refsIn,
  resourceKey,
  StackJson,
  type ContainerJson,
  type DurationJson,
  type EcsServiceJson,
  type EnvironmentVariable,
  type MetricAlarmJson,
  type RouteJson,
  type TerraformJson,
  type VirtualNodeJson,
} from './terraform-json';

/** An ECS service. */
export interface ServiceNode {
  readonly id: string;
  readonly name: string;
  /** Facts shown under the name: data plane and port, listener timeout, outlier detection, RETRY_MODE. */
  readonly details: readonly string[];
}

/** A call to a service, with the terms its data plane applies. */
export interface Call {
  /** The calling service, or (for an inbound route) the router that no service of the stack calls. */
  readonly from: string;
  readonly to: string;
  readonly terms: readonly string[];
}

/** A queue or a cache. */
export interface StoreNode {
  readonly id: string;
  readonly kind: 'queue' | 'cache';
  readonly name: string;
  readonly details: readonly string[];
}

/** A service's use of a store, through an environment variable. */
export interface Use {
  readonly from: string;
  readonly to: string;
  readonly variable: string;
}

/** A dead-letter link between two queues. */
export interface Redrive {
  readonly from: string;
  readonly to: string;
  readonly maxReceiveCount: number;
}

/** A CloudWatch alarm: what it watches (stores or services) and the topics it notifies. */
export interface AlarmNode {
  readonly id: string;
  readonly name: string;
  readonly condition: string;
  readonly watches: readonly string[];
  readonly notifies: readonly string[];
}

/** An SNS topic. */
export interface TopicNode {
  readonly id: string;
  readonly name: string;
}

export interface ServiceGraph {
  readonly services: readonly ServiceNode[];
  readonly calls: readonly Call[];
  /** Routes that no service of the stack calls through. */
  readonly inboundRoutes: readonly Call[];
  readonly stores: readonly StoreNode[];
  readonly uses: readonly Use[];
  readonly redrives: readonly Redrive[];
  readonly alarms: readonly AlarmNode[];
  readonly topics: readonly TopicNode[];
}

/** App Mesh's per-request timeout when a route or a listener sets none. */
const APP_MESH_DEFAULT_TIMEOUT = '15 s';
const COMPARISON: Readonly<Record<string, string>> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '≥',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
};

/** An ECS service with the containers of its task definition. */
interface EcsService {
  readonly id: string;
  readonly service: EcsServiceJson;
  readonly environment: readonly EnvironmentVariable[];
}

const duration = (value: DurationJson | undefined): string | undefined =>
  value === undefined ? undefined : `${value.value} ${value.unit === 'ms' ? 'ms' : 's'}`;

function days(seconds: number): string {
  return seconds % 86_400 === 0 ? `${seconds / 86_400} d` : `${seconds} s`;
}

function ecsServices(stack: StackJson): EcsService[] {
  return stack.all('aws_ecs_service').map(([id, service]) => {
    const taskDefinition = stack.find(refOf(service.task_definition), 'aws_ecs_task_definition');
    const containers: ContainerJson[] = JSON.parse(taskDefinition?.container_definitions ?? '[]');
    return { id: resourceKey('aws_ecs_service', id), service, environment: containers.flatMap((c) => c.environment ?? []) };
  });
}

/** Virtual node logical id → ECS service id, from the Envoy containers' APPMESH_RESOURCE_ARN. */
function servicesOfVirtualNodes(services: readonly EcsService[]): Map<string, string> {
  const byNode = new Map<string, string>();
  for (const { id, environment } of services) {
    for (const variable of environment) {
      const ref = variable.name === 'APPMESH_RESOURCE_ARN' ? refOf(variable.value) : undefined;
      if (ref?.type === 'aws_appmesh_virtual_node') byNode.set(ref.id, id);
    }
  }
  return byNode;
}

/** A route's terms, per weighted target (virtual node logical id). */
function routeTerms(stack: StackJson, route: RouteJson): { target: string; terms: string[] }[] {
  const spec = route.spec?.http_route ?? route.spec?.http2_route ?? route.spec?.grpc_route ?? route.spec?.tcp_route ?? {};
  const targets = list(spec.action?.weighted_target);
  const total = targets.reduce((sum, target) => sum + (target.weight ?? 0), 0);
  const terms = [`route ${stack.display(route.name)}`];
  if (spec.match?.prefix !== undefined && spec.match.prefix !== '/') terms.push(`prefix ${spec.match.prefix}`);
  const retry = spec.retry_policy;
  if (retry) {
    const events = [...(retry.http_retry_events ?? []), ...(retry.grpc_retry_events ?? []), ...(retry.tcp_retry_events ?? [])];
    terms.push(`${retry.max_retries} retries, ${duration(retry.per_retry_timeout)} per try, on ${events.join(', ')}`);
  } else {
    terms.push('no retries');
  }
  const perRequest = duration(spec.timeout?.per_request);
  terms.push(perRequest ? `timeout ${perRequest} per request` : `timeout ${APP_MESH_DEFAULT_TIMEOUT} per request (App Mesh default)`);
  return targets.map((target) => ({
    target: refOf(target.virtual_node)?.id ?? '',
    terms: targets.length > 1 ? [...terms, `weight ${target.weight} of ${total}`] : terms,
  }));
}

/** App Mesh calls: backends → virtual services → routers → routes → target nodes; and the routes nobody here calls. */
function meshCalls(stack: StackJson, serviceOfNode: ReadonlyMap<string, string>): { calls: Call[]; inboundRoutes: Call[] } {
  const routesOfRouter = new Map<string, [string, RouteJson][]>();
  for (const [id, route] of stack.all('aws_appmesh_route')) {
    const router = refOf(route.virtual_router_name);
    if (router) routesOfRouter.set(router.id, [...(routesOfRouter.get(router.id) ?? []), [id, route]]);
  }
  const calls: Call[] = [];
  const called = new Set<string>();
  for (const [nodeId, node] of stack.all('aws_appmesh_virtual_node')) {
    const caller = serviceOfNode.get(nodeId);
    if (caller === undefined) continue;
    for (const backend of list(node.spec?.backend)) {
      const virtualService = stack.find(refOf(backend.virtual_service?.virtual_service_name), 'aws_appmesh_virtual_service');
      const provider = virtualService?.spec?.provider;
      const router = refOf(provider?.virtual_router?.virtual_router_name);
      const directTarget = serviceOfNode.get(refOf(provider?.virtual_node?.virtual_node_name)?.id ?? '');
      for (const [routeId, route] of router ? (routesOfRouter.get(router.id) ?? []) : []) {
        called.add(routeId);
        for (const { target, terms } of routeTerms(stack, route)) {
          const to = serviceOfNode.get(target);
          if (to) calls.push({ from: caller, to, terms });
        }
      }
      if (directTarget) calls.push({ from: caller, to: directTarget, terms: ['App Mesh, no router: no retries'] });
    }
  }
  const inboundRoutes: Call[] = [];
  for (const [routerId, routes] of routesOfRouter) {
    for (const [, route] of routes.filter(([id]) => !called.has(id))) {
      for (const { target, terms } of routeTerms(stack, route)) {
        const to = serviceOfNode.get(target);
        if (to) inboundRoutes.push({ from: resourceKey('aws_appmesh_virtual_router', routerId), to, terms });
      }
    }
  }
  return { calls, inboundRoutes };
}

/** Service Connect calls: a client's environment holds a URL to a server's client alias. */
function serviceConnectCalls(stack: StackJson, services: readonly EcsService[]): Call[] {
  /** A namespace given by reference (its ARN or id) is shown by the referenced namespace's name. */
  const namespaceName = (namespace: string | undefined): string => {
    const ref = refOf(namespace);
    return stack.display(ref ? `\${${ref.type}.${ref.id}.name}` : namespace);
  };
  const calls: Call[] = [];
  for (const server of services) {
    const connect = server.service.service_connect_configuration;
    for (const published of list(connect?.service)) {
      for (const alias of list(published.client_alias)) {
        const host =
          alias.dns_name !== undefined
            ? stack.display(alias.dns_name)
            : `${stack.display(published.discovery_name ?? published.port_name)}.${namespaceName(connect?.namespace)}`;
        const timeout = published.timeout ?? {};
        const terms = [
          `Service Connect ${host}:${alias.port}`,
          timeout.per_request_timeout_seconds !== undefined
            ? `timeout ${timeout.per_request_timeout_seconds} s per request`
            : 'per-request timeout: AWS default',
        ];
        if (timeout.idle_timeout_seconds !== undefined) terms.push(`idle timeout ${timeout.idle_timeout_seconds} s`);
        if (published.tls !== undefined) terms.push('TLS');
        const escapedHost = host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        // `//host:port`, or `//host` alone for port 80, followed by neither more digits nor more host.
        const url = new RegExp(`//${escapedHost}(:${alias.port}(?!\\d)${alias.port === 80 ? '|(?![\\w.:-])' : ''})`);
        for (const client of services.filter((candidate) => candidate !== server)) {
          if (client.environment.some((variable) => url.test(stack.display(variable.value)))) {
            calls.push({ from: client.id, to: server.id, terms });
          }
        }
      }
    }
  }
  return calls;
}

function stores(stack: StackJson): StoreNode[] {
  return [
    ...stack.all('aws_sqs_queue').map(([id, queue]): StoreNode => ({
      id: resourceKey('aws_sqs_queue', id),
      kind: 'queue',
      name: stack.display(queue.name ?? id),
      details: [
        `SQS${queue.fifo_queue ? ' FIFO' : ''}`,
        ...(queue.visibility_timeout_seconds !== undefined ? [`visibility ${queue.visibility_timeout_seconds} s`] : []),
        ...(queue.message_retention_seconds !== undefined ? [`retention ${days(queue.message_retention_seconds)}`] : []),
      ],
    })),
    ...stack.all('aws_elasticache_replication_group').map(([id, cache]): StoreNode => ({
      id: resourceKey('aws_elasticache_replication_group', id),
      kind: 'cache',
      name: stack.display(cache.replication_group_id ?? id),
      details: [`ElastiCache ${cache.engine ?? 'redis'}${cache.engine_version ? ` ${cache.engine_version}` : ''}`],
    })),
  ];
}

function redrives(stack: StackJson): Redrive[] {
  const policies: [string | undefined, string | undefined][] = [
    ...stack.all('aws_sqs_queue').map(([id, queue]): [string, string | undefined] => [`\${aws_sqs_queue.${id}.url}`, queue.redrive_policy]),
    ...stack
      .all('aws_sqs_queue_redrive_policy')
      .map(([, policy]): [string | undefined, string | undefined] => [policy.queue_url, policy.redrive_policy]),
  ];
  return policies.flatMap(([queueUrl, policy]) => {
    if (policy === undefined) return [];
    const parsed: { deadLetterTargetArn?: string; maxReceiveCount?: number | string } = JSON.parse(policy);
    const from = refOf(queueUrl);
    const to = refOf(parsed.deadLetterTargetArn);
    return from && to
      ? [{ from: resourceKey(from.type, from.id), to: resourceKey(to.type, to.id), maxReceiveCount: Number(parsed.maxReceiveCount) }]
      : [];
  });
}

function alarm(stack: StackJson, id: string, json: MetricAlarmJson, watchable: (value: string) => string | undefined): AlarmNode {
  const queries = list(json.metric_query);
  const dimensionValues = [
    ...Object.values(json.dimensions ?? {}),
    ...queries.flatMap((query) => Object.values(query.metric?.dimensions ?? {})),
  ];
  const expression = queries.find((query) => query.return_data !== false && query.expression !== undefined)?.expression;
  const metric = expression ?? json.metric_name ?? queries.find((query) => query.metric)?.metric?.metric_name;
  const comparison = json.comparison_operator ?? '';
  return {
    id: resourceKey('aws_cloudwatch_metric_alarm', id),
    name: stack.display(json.alarm_name ?? id),
    condition: `${metric} ${COMPARISON[comparison] ?? comparison} ${json.threshold}`,
    watches: [...new Set(dimensionValues.flatMap((value) => watchable(value) ?? []))],
    notifies: (json.alarm_actions ?? []).flatMap((action) => {
      const ref = refOf(action);
      return ref?.type === 'aws_sns_topic' ? [resourceKey(ref.type, ref.id)] : [];
    }),
  };
}

function serviceNode(stack: StackJson, service: EcsService, node: VirtualNodeJson | undefined): ServiceNode {
  const details: string[] = [];
  for (const listener of list(node?.spec?.listener)) {
    details.push(`App Mesh node, port ${listener.port_mapping?.port}`);
    const timeout = duration(listener.timeout?.http?.per_request ?? listener.timeout?.http2?.per_request);
    details.push(`listener timeout ${timeout ?? `${APP_MESH_DEFAULT_TIMEOUT} (App Mesh default)`}`);
    const outlier = listener.outlier_detection;
    if (outlier) {
      details.push(
        `ejected ${duration(outlier.base_ejection_duration)} after ${outlier.max_server_errors} 5xx in ${duration(outlier.interval)}`,
      );
    }
  }
  const connect = service.service.service_connect_configuration;
  if (connect) {
    const ports = list(connect.service).flatMap((published) => list(published.client_alias).map((alias) => alias.port));
    details.push(ports.length > 0 ? `Service Connect, port ${ports.join(', ')}` : 'Service Connect client');
  }
  const retryMode = service.environment.find((variable) => variable.name === 'RETRY_MODE');
  if (retryMode) details.push(`RETRY_MODE ${stack.display(retryMode.value)}`);
  return { id: service.id, name: stack.display(service.service.name ?? service.id), details };
}

/** Reads the service graph of `json`. */
export function serviceGraph(json: TerraformJson): ServiceGraph {
  const stack = new StackJson(json);
  const services = ecsServices(stack);
  const serviceOfNode = servicesOfVirtualNodes(services);
  const nodes = new Map(stack.all('aws_appmesh_virtual_node'));
  const nodeOfService = new Map([...serviceOfNode].map(([node, service]) => [service, nodes.get(node)]));
  const mesh = meshCalls(stack, serviceOfNode);

  const storeNodes = stores(stack);
  const storeIds = new Set(storeNodes.map((store) => store.id));
  const uses: Use[] = services.flatMap(({ id, environment }) =>
    environment.flatMap((variable) =>
      refsIn(variable.value)
        .map((ref) => resourceKey(ref.type, ref.id))
        .filter((target) => storeIds.has(target))
        .map((target) => ({ from: id, to: target, variable: variable.name })),
    ),
  );

  const serviceByName = new Map(services.map(({ id, service }) => [stack.display(service.name), id]));
  /** What an alarm dimension's value designates: a store it refers to, or a service by name. */
  const watchable = (value: string): string | undefined => {
    const ref = refOf(value);
    if (ref && storeIds.has(resourceKey(ref.type, ref.id))) return resourceKey(ref.type, ref.id);
    return serviceByName.get(stack.display(value));
  };

  return {
    services: services.map((service) => serviceNode(stack, service, nodeOfService.get(service.id))),
    calls: [...mesh.calls, ...serviceConnectCalls(stack, services)],
    inboundRoutes: mesh.inboundRoutes,
    stores: storeNodes,
    uses,
    redrives: redrives(stack),
    alarms: stack.all('aws_cloudwatch_metric_alarm').map(([id, json]) => alarm(stack, id, json, watchable)),
    topics: stack
      .all('aws_sns_topic')
      .map(([id, topic]) => ({ id: resourceKey('aws_sns_topic', id), name: stack.display(topic.name ?? id) })),
  };
}
