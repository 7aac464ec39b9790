/**
 * Renders a {@link ServiceGraph} as a Mermaid flowchart (which GitHub draws
 * from a ```mermaid block): services as boxes, queues and caches as
 * cylinders, alarms as hexagons, topics as flags; calls as solid arrows
 * labelled with the data plane's terms (route, retries, timeouts), uses of a
 * store as dotted arrows labelled with the environment variable.
 */
import type { ServiceGraph } from './service-graph';

/** A Mermaid node id for a graph id (`aws_ecs_service.X` → `aws_ecs_service_X`). */
export function nodeId(id: string): string {
  return id.replace(/[^A-Za-z0-9_]/g, '_');
}

/** A quoted Mermaid label: lines joined by `<br/>`, characters Mermaid would read as syntax as entity codes. */
export function label(lines: readonly string[]): string {
  const escape = (line: string) =>
    line.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/\|/g, '#124;');
  return `"${lines.map(escape).join('<br/>')}"`;
}

/** The flowchart of `graph`, without the fence. */
export function mermaidFlowchart(graph: ServiceGraph): string {
  const lines = ['flowchart LR'];
  const node = (id: string, open: string, text: readonly string[], close: string) =>
    lines.push(`  ${nodeId(id)}${open}${label(text)}${close}`);
  const edge = (from: string, arrow: string, text: readonly string[], to: string) =>
    lines.push(`  ${nodeId(from)} ${arrow}|${label(text)}| ${nodeId(to)}`);

  for (const service of graph.services) node(service.id, '[', [service.name, ...service.details], ']');
  for (const store of graph.stores) node(store.id, '[(', [store.name, ...store.details], ')]');
  for (const alarm of graph.alarms) node(alarm.id, '{{', [`alarm ${alarm.name}`, alarm.condition], '}}');
  for (const topic of graph.topics) node(topic.id, '>', [topic.name, 'SNS topic'], ']');
  for (const source of new Set(graph.inboundRoutes.map((route) => route.from))) {
    node(source, '([', ['callers outside this stack'], '])');
  }

  for (const call of graph.calls) edge(call.from, '-->', call.terms, call.to);
  for (const route of graph.inboundRoutes) edge(route.from, '-->', route.terms, route.to);
  for (const use of graph.uses) edge(use.from, '-.->', [use.variable], use.to);
  for (const redrive of graph.redrives) edge(redrive.from, '-->', [`after ${redrive.maxReceiveCount} receives`], redrive.to);
  for (const alarm of graph.alarms) {
    for (const watched of alarm.watches) edge(alarm.id, '-.->', ['watches'], watched);
    for (const topic of alarm.notifies) edge(alarm.id, '-->', ['notifies'], topic);
  }
  return lines.join('\n');
}
