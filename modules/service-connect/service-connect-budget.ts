import type { IConstruct, IValidation } from 'constructs';
import { Duration } from '../core/duration';
import { ENVOY_DEFAULT_BACKOFF } from '../retry/retry-backoff';
import type { InProcessRetries } from './in-process-retries';
import type { IServiceConnectServer } from './service-connect-server';
import type { CallPathBudget } from '../retry/call-path-budget';
import {
  attemptsWithinBudget,
  reportRetryBudgetFinding,
  smallestTimeout,
  worstCaseScheduleMs,
  type PathTimeout,
} from '../retry/retry-schedule';

/*
 * The retry budget of a Service Connect call path, client → server.
 *
 * Service Connect has no configurable retry policy: the server's policy is
 * applied by the client's app in-process (or by nobody), and every app
 * attempt is a separate request through the client's and the server's
 * proxies. Model:
 * - one app attempt lasts at most min(the policy's per-retry timeout, which
 *   the app applies to each attempt, the server's per-request timeout, which
 *   its proxy applies to each request: "The amount of time waiting for the
 *   upstream to respond with a complete response per request", ECS API
 *   reference, TimeoutConfiguration);
 * - all attempts of one call, back-off included, must fit in the app's
 *   deadline and, when the client is itself a server, in its own per-request
 *   timeout (its caller's request waits for the whole schedule);
 * - the proxy may retry each app attempt on its own (see
 *   ASSUMED_SERVICE_CONNECT_PROXY_RETRIES), so the calls that reach the
 *   server for one client request are at most
 *   app attempts × (1 + proxy retries).
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TimeoutConfiguration.html
 */

/** A client of Service Connect servers, as the budget check sees it. */
export interface ServiceConnectCaller extends IConstruct {
  /** The servers it calls. */
  readonly backends: readonly IServiceConnectServer[];
  /** How its app applies the servers' retry policies, if it does. */
  readonly inProcessRetries: InProcessRetries | undefined;
  /** The retries its proxy is assumed to make per request. */
  readonly assumedProxyRetries: number;
  /** Its own per-request timeout when it is a server itself (its inbound requests wait for its calls); undefined for a client-only service. */
  readonly inboundTimeout: Duration | undefined;
}

/** A finding of the check: fatal ones fail synthesis, the others warn (or fail in strict mode). */
export interface BudgetFinding {
  readonly message: string;
  readonly fatal: boolean;
}

/** The budget of one Service Connect call path, with what is wrong with it. */
export interface ServiceConnectCallPath {
  readonly budget: CallPathBudget;
  readonly findings: readonly BudgetFinding[];
}

/** Computes the budget of `caller` → `server`; see the file comment for the model. */
export function serviceConnectCallPath(caller: ServiceConnectCaller, server: IServiceConnectServer): ServiceConnectCallPath {
  const policy = server.retryPolicy;
  const retries = caller.inProcessRetries;
  const findings: BudgetFinding[] = [];
  const proxy: PathTimeout = {
    timeout: server.perRequestTimeout,
    source: `the per-request timeout of '${server.serviceName}' (its Service Connect proxy)`,
  };
  const inbound: PathTimeout[] =
    caller.inboundTimeout === undefined
      ? []
      : [
          {
            timeout: caller.inboundTimeout,
            source: `the per-request timeout of '${caller.node.path}' itself (its callers wait for its calls)`,
          },
        ];
  const retried = policy !== undefined && policy.spec.maxRetries > 0 && retries !== undefined;
  if (policy !== undefined && policy.spec.maxRetries > 0 && retries === undefined) {
    findings.push({
      fatal: false,
      message:
        `the retry policy of '${server.serviceName}' (maxRetries ${policy.spec.maxRetries}) is applied by nobody: Service Connect has no ` +
        `configurable retries. Let the app of '${caller.node.path}' apply it in-process and declare that with inProcessRetries, or remove spec.retryPolicy.`,
    });
  }

  const attempts = retried ? policy.maxAttempts : 1;
  const perRetry: PathTimeout | undefined = retried
    ? { timeout: policy.perRetryTimeout, source: "the retry policy's per-retry timeout" }
    : undefined;
  const perAttempt = perRetry ? smallestTimeout(perRetry, [proxy]) : proxy;
  const deadline = retried
    ? smallestTimeout(
        { timeout: retries.deadline, source: `the in-process deadline of '${caller.node.path}' (inProcessRetries.deadline)` },
        inbound,
      )
    : smallestTimeout(proxy, inbound);
  const backoff = retries?.backoff ?? ENVOY_DEFAULT_BACKOFF;
  const fit = attemptsWithinBudget(attempts, perAttempt.timeout.toMilliseconds(), deadline.timeout.toMilliseconds(), backoff);

  if (perRetry && perAttempt !== perRetry) {
    findings.push({
      fatal: false,
      message:
        `${proxy.source} is ${proxy.timeout}, below ${perRetry.source} (${perRetry.timeout}): the proxy cuts every attempt short. ` +
        `Set the spec.timeouts of '${server.serviceName}' to more than ${perRetry.timeout}, or lower perRetryTimeoutMs to ${proxy.timeout}.`,
    });
  }
  if (retried && fit < attempts) {
    const needed = Duration.millis(worstCaseScheduleMs(attempts, perAttempt.timeout.toMilliseconds(), backoff));
    const recommended = Duration.millis(worstCaseScheduleMs(attempts, policy.perRetryTimeout.toMilliseconds(), backoff));
    findings.push({
      fatal: fit < 2,
      message:
        `retry budget: only ${fit} of ${attempts} in-process attempts (1 + maxRetries ${policy.spec.maxRetries}) fit when every attempt is slow: ` +
        `${attempts} × ${perAttempt.timeout} (${perAttempt.source}) plus the back-off need ${needed}, but ${deadline.source} is ${deadline.timeout}. ` +
        `Set inProcessRetries.deadline (and the app's own deadline)${inbound.length > 0 ? ` and the spec.timeouts of '${caller.node.path}'` : ''} ` +
        `to at least ${recommended}, or lower maxRetries.${fit < 2 ? ' Not even one retry can happen.' : ''}`,
    });
  }

  const proxyAttempts = 1 + caller.assumedProxyRetries;
  return {
    budget: {
      dataPlane: 'Service Connect',
      caller: caller.node.path,
      target: server.node.path,
      appAttempts: attempts,
      proxyAttempts,
      proxyAttemptsSource: `1 + ${caller.assumedProxyRetries} assumed proxy retries (assumedProxyRetries)`,
      worstCaseCalls: attempts * proxyAttempts,
      retriedBy: retried ? 'app' : 'nobody',
      attempts,
      fit,
      perAttempt,
      deadline,
    },
    findings,
  };
}

/** Whether `construct` is a Service Connect caller (a construct with the caller's fields). */
function isServiceConnectCaller(construct: IConstruct): construct is ServiceConnectCaller {
  return 'assumedProxyRetries' in construct && 'inProcessRetries' in construct && 'backends' in construct;
}

/** The budgets of every Service Connect call path under `scope`. */
export function serviceConnectCallPathBudgets(scope: IConstruct): CallPathBudget[] {
  return scope.node
    .findAll()
    .filter(isServiceConnectCaller)
    .flatMap((caller) => caller.backends.map((server) => serviceConnectCallPath(caller, server).budget));
}

/**
 * The synth-time retry-budget check of a Service Connect client, one call
 * path per backend: a warning (an error under the strict context, see
 * STRICT_RETRY_BUDGET_CONTEXT) when fewer in-process attempts fit than the
 * server's policy configures, when the proxy cuts attempts short, or when
 * nobody applies a server's policy; an error when not even one retry fits.
 * Added by ServiceConnectService.
 */
export class ServiceConnectBudgetValidation implements IValidation {
  constructor(private readonly caller: ServiceConnectCaller) {}

  public validate(): string[] {
    const subject = `ServiceConnectService '${this.caller.node.path}'`;
    return this.caller.backends.flatMap((server) =>
      serviceConnectCallPath(this.caller, server).findings.flatMap((finding) =>
        reportRetryBudgetFinding(this.caller, subject, finding.message, finding.fatal),
      ),
    );
  }
}
