/**
 * The service graph of one synthesized stack, read from its cdk.tf.json
 * (Terraform JSON as CDKTF writes it): the ECS services, who calls whom and
 * on which terms, the queues and stores they use, and the alarms.
 *
 * Calls come from the data plane's own resources:
 * - App Mesh: a virtual node's backends name virtual services; a virtual
 *   service's provider is a virtual router (its routes: weighted targets,
 *   retry policy, timeout) or a virtual node; a virtual node belongs to the
 *   ECS service whose task definition's Envoy has it as APPMESH_RESOURCE_ARN.
 * - ECS Service Connect: a server service publishes client aliases
 *   (`service_connect_configuration.service[].client_alias`: port and DNS
 *   name, by default `<discovery name>.<namespace>`); a client is a service
 *   whose container environment holds a URL to that alias.
 * Uses: a container environment value that refers to a queue or a cache.
 */

/** Terraform JSON of a stack, as far as this reader needs it. */
export interface TerraformJson {
  readonly resource?: Record<string, Record<string, any>>;
  readonly variable?: Record<string, { readonly default?: unknown }>;
}

/** An ECS service. */
export interface ServiceNode {
  readonly id: string;
  readonly name: string;
  /** Facts shown under the name: data plane and port, listener timeout, outlier detection, RETRY_MODE. */
  readonly details: readonly string[];
}

/** A call from one service to another, with the terms the data plane applies. */
export interface Call {
  readonly from: string;
  readonly to: string;
  readonly terms: readonly string[];
}

/** A queue or a data store. */
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

/** A CloudWatch alarm: what it watches (stores or services) and where it notifies. */
export interface AlarmNode {
  readonly id: string;
  readonly name: string;
  readonly condition: string;
  readonly watches: readonly string[];
  readonly notifies: readonly string[];
}

/** An SNS topic that alarms notify. */
export interface TopicNode {
  readonly id: string;
  readonly name: string;
}

export interface ServiceGraph {
  readonly services: readonly ServiceNode[];
  readonly calls: readonly Call[];
  /** Routes that no service of the stack calls through, by target service. */
  readonly inboundRoutes: readonly Call[];
  readonly stores: readonly StoreNode[];
  readonly uses: readonly Use[];
  readonly redrives: readonly Redrive[];
  readonly alarms: readonly AlarmNode[];
  readonly topics: readonly TopicNode[];
}

/** App Mesh's per-request timeout when a route or listener sets none. */
const APP_MESH_DEFAULT_TIMEOUT = '15 s';
const REFERENCE = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}/g;

interface Ref {
  readonly type: string;
  readonly id: string;
  readonly attribute: string;
}

/** A block that CDKTF writes as an object (one) or an array (several), as a list. */
function list<T = any>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? [...value] : [value as T];
}

/** The references to resources in a string, in order. */
function refsIn(value: unknown): Ref[] {
  if (typeof value !== 'string') return [];
  return [...value.matchAll(REFERENCE)].map(([, type, id, attribute]) => ({ type, id, attribute }));
}

/** The reference a string consists of, if it is exactly one. */
function refOf(value: unknown): Ref | undefined {
  const [ref] = refsIn(value);
  return ref !== undefined && value === `\${${ref.type}.${ref.id}.${ref.attribute}}` ? ref : undefined;
}

const key = (type: string, id: string) => `${type}.${id}`;

/** Reads the service graph of `json`. */
export function serviceGraph(json: TerraformJson): ServiceGraph {
  const resources = json.resource ?? {};
  const of = (type: string): [string, any][] => Object.entries(resources[type] ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const find = (ref: Ref | undefined, type: string) => (ref?.type === type ? resources[type]?.[ref.id] : undefined);

  /** A Terraform string for people: variables by their default, names of referenced resources by their value. */
  const display = (value: unknown, depth = 0): string =>
    String(value).replace(/\$\{([^}]+)\}/g, (expression: string, inner: string) => {
      const variable = /^var\.([A-Za-z0-9_-]+)$/.exec(inner);
      if (variable) {
        const fallback = json.variable?.[variable[1]]?.default;
        return typeof fallback === 'string' || typeof fallback === 'number' ? String(fallback) : `‹${variable[1]}›`;
      }
      const ref = refOf(expression);
      const target = ref && resources[ref.type]?.[ref.id];
      const named = ref && (ref.attribute === 'name' || ref.attribute === 'id') ? (target?.name as unknown) : undefined;
      if (typeof named === 'string' && depth < 5) return display(named, depth + 1);
      return ref ? `‹${ref.type}.${ref.id}.${ref.attribute}›` : `‹${inner}›`;
    });

  const seconds = (duration: any): string | undefined =>
    duration === undefined ? undefined : `${duration.value} ${duration.unit === 'ms' ? 'ms' : 's'}`;

  // ECS services, their task definitions and containers.
  const ecsServices = of('aws_ecs_service').map(([id, service]) => {
    const taskDefinition = find(refOf(service.task_definition), 'aws_ecs_task_definition');
    const containers: any[] = taskDefinition ? JSON.parse(taskDefinition.container_definitions) : [];
    return { id: key('aws_ecs_service', id), service, containers };
  });
  const environmentOf = (containers: any[]) =>
    containers.flatMap((container) => list(container.environment)) as { name: string; value: string }[];
  const serviceOfVirtualNode = new Map<string, string>();
  for (const { id, containers } of ecsServices) {
    for (const variable of environmentOf(containers)) {
      const ref = variable.name === 'APPMESH_RESOURCE_ARN' ? refOf(variable.value) : undefined;
      if (ref?.type === 'aws_appmesh_virtual_node') serviceOfVirtualNode.set(ref.id, id);
    }
  }
  const virtualNodeOfService = new Map([...serviceOfVirtualNode].map(([node, service]) => [service, node]));

  // App Mesh: routes by router, providers of virtual services, backends of nodes.
  const routesOfRouter = new Map<string, [string, any][]>();
  for (const [id, route] of of('aws_appmesh_route')) {
    const router = refOf(route.virtual_router_name);
    if (router) routesOfRouter.set(router.id, [...(routesOfRouter.get(router.id) ?? []), [id, route]]);
  }
  const routeTerms = (route: any): { target: string; terms: string[] }[] => {
    const spec = route.spec ?? {};
    const http = spec.http_route ?? spec.http2_route ?? spec.grpc_route ?? spec.tcp_route ?? {};
    const targets = list(http.action?.weighted_target);
    const total = targets.reduce((sum, target) => sum + Number(target.weight ?? 0), 0);
    const terms = [`route ${display(route.name)}`];
    if (http.match?.prefix !== undefined && http.match.prefix !== '/') terms.push(`prefix ${http.match.prefix}`);
    const retry = http.retry_policy;
    if (retry) {
      const events = [...list(retry.http_retry_events), ...list(retry.grpc_retry_events), ...list(retry.tcp_retry_events)];
      terms.push(`${retry.max_retries} retries, ${seconds(retry.per_retry_timeout)} per try, on ${events.join(', ')}`);
    } else {
      terms.push('no retries');
    }
    const perRequest = seconds(http.timeout?.per_request);
    terms.push(perRequest ? `timeout ${perRequest} per request` : `timeout ${APP_MESH_DEFAULT_TIMEOUT} per request (App Mesh default)`);
    return targets.map((target) => ({
      target: refOf(target.virtual_node)?.id ?? '',
      terms: targets.length > 1 ? [...terms, `weight ${target.weight} of ${total}`] : terms,
    }));
  };

  const calls: Call[] = [];
  const routesCalled = new Set<string>();
  for (const [nodeId, node] of of('aws_appmesh_virtual_node')) {
    const caller = serviceOfVirtualNode.get(nodeId);
    if (caller === undefined) continue;
    for (const backend of list(node.spec?.backend)) {
      const virtualService = refOf(backend.virtual_service?.virtual_service_name);
      const provider = find(virtualService, 'aws_appmesh_virtual_service')?.spec?.provider ?? {};
      const router = refOf(provider.virtual_router?.virtual_router_name);
      const directNode = refOf(provider.virtual_node?.virtual_node_name);
      if (router) {
        for (const [routeId, route] of routesOfRouter.get(router.id) ?? []) {
          routesCalled.add(routeId);
          for (const { target, terms } of routeTerms(route)) {
            const to = serviceOfVirtualNode.get(target);
            if (to) calls.push({ from: caller, to, terms });
          }
        }
      } else if (directNode && serviceOfVirtualNode.has(directNode.id)) {
        calls.push({ from: caller, to: serviceOfVirtualNode.get(directNode.id)!, terms: ['App Mesh, no router: no retries'] });
      }
    }
  }
  const inboundRoutes: Call[] = [];
  for (const [routerId, routes] of routesOfRouter) {
    for (const [routeId, route] of routes) {
      if (routesCalled.has(routeId)) continue;
      for (const { target, terms } of routeTerms(route)) {
        const to = serviceOfVirtualNode.get(target);
        if (to) inboundRoutes.push({ from: key('aws_appmesh_virtual_router', routerId), to, terms });
      }
    }
  }

  // ECS Service Connect: client aliases of servers, URLs in clients' environments.
  const namespaceName = (namespace: unknown): string => {
    const ref = refOf(namespace);
    const target = ref && (resources[ref.type]?.[ref.id] as any);
    return target?.name !== undefined ? display(target.name) : display(namespace);
  };
  for (const server of ecsServices) {
    const connect = server.service.service_connect_configuration;
    if (!connect) continue;
    for (const published of list(connect.service)) {
      for (const alias of list(published.client_alias)) {
        const host = alias.dns_name !== undefined
          ? display(alias.dns_name)
          : `${display(published.discovery_name ?? published.port_name)}.${namespaceName(connect.namespace)}`;
        const timeout = published.timeout ?? {};
        const terms = [
          `Service Connect ${host}:${alias.port}`,
          timeout.per_request_timeout_seconds !== undefined
            ? `timeout ${timeout.per_request_timeout_seconds} s per request`
            : 'per-request timeout: AWS default',
        ];
        if (timeout.idle_timeout_seconds !== undefined) terms.push(`idle timeout ${timeout.idle_timeout_seconds} s`);
        if (published.tls) terms.push('TLS');
        const escapedHost = host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        // `//host:port`, or `//host` alone for port 80, followed by neither more digits nor more host.
        const url = new RegExp(`//${escapedHost}(:${alias.port}(?!\\d)${alias.port === 80 ? '|(?![\\w.:-])' : ''})`);
        for (const client of ecsServices) {
          if (client === server) continue;
          if (environmentOf(client.containers).some((variable) => url.test(display(variable.value)))) {
            calls.push({ from: client.id, to: server.id, terms });
          }
        }
      }
    }
  }

  // Stores: queues, caches; uses by environment variable; redrive links.
  const stores: StoreNode[] = [
    ...of('aws_sqs_queue').map(([id, queue]): StoreNode => ({
      id: key('aws_sqs_queue', id),
      kind: 'queue',
      name: display(queue.name ?? id),
      details: [
        `SQS${queue.fifo_queue ? ' FIFO' : ''}`,
        ...(queue.visibility_timeout_seconds !== undefined ? [`visibility ${queue.visibility_timeout_seconds} s`] : []),
        ...(queue.message_retention_seconds !== undefined ? [`retention ${days(queue.message_retention_seconds)}`] : []),
      ],
    })),
    ...of('aws_elasticache_replication_group').map(([id, cache]): StoreNode => ({
      id: key('aws_elasticache_replication_group', id),
      kind: 'cache',
      name: display(cache.replication_group_id ?? id),
      details: [`ElastiCache ${cache.engine ?? 'redis'}${cache.engine_version ? ` ${cache.engine_version}` : ''}`],
    })),
  ];
  const storeIds = new Set(stores.map((store) => store.id));
  const uses: Use[] = ecsServices.flatMap(({ id, containers }) =>
    environmentOf(containers).flatMap((variable) =>
      refsIn(variable.value)
        .map((ref) => key(ref.type, ref.id))
        .filter((target) => storeIds.has(target))
        .map((target) => ({ from: id, to: target, variable: variable.name })),
    ),
  );
  const redrivePolicies: [unknown, unknown][] = [
    ...of('aws_sqs_queue').map(([id, queue]): [unknown, unknown] => [`\${aws_sqs_queue.${id}.url}`, queue.redrive_policy]),
    ...of('aws_sqs_queue_redrive_policy').map(([, policy]): [unknown, unknown] => [policy.queue_url, policy.redrive_policy]),
  ];
  const redrives: Redrive[] = redrivePolicies.flatMap(([queueUrl, policy]) => {
    if (typeof policy !== 'string') return [];
    const parsed = JSON.parse(policy);
    const from = refOf(queueUrl);
    const to = refOf(parsed.deadLetterTargetArn);
    return from && to ? [{ from: key(from.type, from.id), to: key(to.type, to.id), maxReceiveCount: Number(parsed.maxReceiveCount) }] : [];
  });

  // Alarms and their topics.
  const serviceByName = new Map(ecsServices.map(({ id, service }) => [display(service.name), id]));
  const alarms: AlarmNode[] = of('aws_cloudwatch_metric_alarm').map(([id, alarm]) => {
    const dimensionValues = [
      ...Object.values(alarm.dimensions ?? {}),
      ...list(alarm.metric_query).flatMap((query) => Object.values(query.metric?.dimensions ?? {})),
    ];
    const watches = dimensionValues.flatMap((value) => {
      const ref = refOf(value);
      if (ref && storeIds.has(key(ref.type, ref.id))) return [key(ref.type, ref.id)];
      const service = serviceByName.get(display(value));
      return service ? [service] : [];
    });
    const expression = list(alarm.metric_query).find((query) => query.return_data !== false && query.expression)?.expression;
    const metric = expression ?? alarm.metric_name ?? list(alarm.metric_query).find((query) => query.metric)?.metric?.metric_name;
    return {
      id: key('aws_cloudwatch_metric_alarm', id),
      name: display(alarm.alarm_name ?? id),
      condition: `${metric} ${COMPARISON[alarm.comparison_operator] ?? alarm.comparison_operator} ${alarm.threshold}`,
      watches: [...new Set(watches)],
      notifies: list(alarm.alarm_actions).flatMap((action) => {
        const ref = refOf(action);
        return ref?.type === 'aws_sns_topic' ? [key(ref.type, ref.id)] : [];
      }),
    };
  });
  const topics: TopicNode[] = of('aws_sns_topic').map(([id, topic]) => ({ id: key('aws_sns_topic', id), name: display(topic.name ?? id) }));

  // Services, described last: their details draw on what was read above.
  const services: ServiceNode[] = ecsServices.map(({ id, service, containers }) => {
    const details: string[] = [];
    const nodeId = virtualNodeOfService.get(id);
    const node = nodeId !== undefined ? resources.aws_appmesh_virtual_node?.[nodeId] : undefined;
    for (const listener of list(node?.spec?.listener)) {
      details.push(`App Mesh node, port ${listener.port_mapping?.port}`);
      const timeout = seconds(listener.timeout?.http?.per_request ?? listener.timeout?.http2?.per_request);
      details.push(`listener timeout ${timeout ?? `${APP_MESH_DEFAULT_TIMEOUT} (App Mesh default)`}`);
      const outlier = listener.outlier_detection;
      if (outlier) {
        details.push(`ejected ${seconds(outlier.base_ejection_duration)} after ${outlier.max_server_errors} 5xx in ${seconds(outlier.interval)}`);
      }
    }
    const connect = service.service_connect_configuration;
    if (connect) {
      const ports = list(connect.service).flatMap((published) => list(published.client_alias).map((alias) => alias.port));
      details.push(ports.length > 0 ? `Service Connect, port ${ports.join(', ')}` : 'Service Connect client');
    }
    const retryMode = environmentOf(containers).find((variable) => variable.name === 'RETRY_MODE');
    if (retryMode) details.push(`RETRY_MODE ${display(retryMode.value)}`);
    return { id, name: display(service.name ?? id), details };
  });

  return { services, calls, inboundRoutes, stores, uses, redrives, alarms, topics };
}

const COMPARISON: Record<string, string> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '≥',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
};

function days(secondsValue: number): string {
  return secondsValue % 86_400 === 0 ? `${secondsValue / 86_400} d` : `${secondsValue} s`;
}
