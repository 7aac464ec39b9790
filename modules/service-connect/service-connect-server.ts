import { Construct, type IConstruct } from 'constructs';
import { Duration } from '../core/duration';
import { InvalidPropError, requireNonEmptyString, requirePort } from '../core/prop-error';
import { RetryPolicy, type RetryPolicySpec } from '../retry/retry-policy';

/** The name and port by which clients in the namespace call a server (`client_alias`). */
export interface ClientAlias {
  /** The name clients use in URLs; the proxy resolves it, DNS never sees it. */
  readonly dnsName: string;
  /** The port clients use in URLs. */
  readonly port: number;
}

/**
 * A service that accepts calls through Service Connect (a "client-server"
 * service), created here or elsewhere: what its callers need to reach it,
 * to open its port to them, and to check their retry budget against it.
 */
export interface IServiceConnectServer extends IConstruct {
  /** The server's discovery name in its namespace. */
  readonly serviceName: string;
  /** ARN of the HTTP namespace it is in; its callers must be in the same one. */
  readonly namespaceArn: string;
  /** The alias clients call it by. */
  readonly clientAlias: ClientAlias;
  /** ID of the server's own security group, to which each caller adds a rule for the server's port; undefined when someone else manages its rules. */
  readonly securityGroupId: string | undefined;
  /** Per-request timeout of the server's Service Connect proxy. */
  readonly perRequestTimeout: Duration;
  /** The retry policy its callers are to apply in-process, if any. */
  readonly retryPolicy: RetryPolicy | undefined;
  /** `http://<alias>:<port><path>`, the URL callers use. */
  urlOf(path: string): string;
}

export interface ServiceConnectServerAttributes {
  /** Discovery name of the existing server. */
  readonly serviceName: string;
  /** ARN of its HTTP namespace. */
  readonly namespaceArn: string;
  /** Its client alias. */
  readonly clientAlias: ClientAlias;
  /** ID of its security group, if callers may add ingress rules to it. @default none: its rules are managed elsewhere */
  readonly securityGroupId?: string;
  /** Its proxy's per-request timeout, for the callers' retry-budget check. @default 15 seconds */
  readonly perRequestTimeout?: Duration;
  /** The retry policy callers are to apply to it. @default none */
  readonly retryPolicy?: RetryPolicySpec;
}

/** Default per-request timeout of this library's Service Connect servers (Envoy's route default, the same as App Mesh's). */
export const DEFAULT_PER_REQUEST_TIMEOUT = Duration.seconds(15);

/**
 * The URL of `path` on a server reached at `alias`.
 * @internal
 */
export function clientAliasUrl(alias: ClientAlias, path: string): string {
  return `http://${alias.dnsName}:${alias.port}${path}`;
}

/**
 * A server that exists already (another stack, another team); creates nothing.
 * @internal
 */
export class ImportedServiceConnectServer extends Construct implements IServiceConnectServer {
  public readonly serviceName: string;
  public readonly namespaceArn: string;
  public readonly clientAlias: ClientAlias;
  public readonly securityGroupId: string | undefined;
  public readonly perRequestTimeout: Duration;
  public readonly retryPolicy: RetryPolicy | undefined;

  constructor(scope: Construct, id: string, attributes: ServiceConnectServerAttributes) {
    super(scope, id);
    const owner = `ServiceConnectService.fromServerAttributes '${this.node.path}'`;
    requireNonEmptyString(owner, 'serviceName', attributes.serviceName);
    requireNonEmptyString(owner, 'namespaceArn', attributes.namespaceArn);
    requireNonEmptyString(owner, 'clientAlias.dnsName', attributes.clientAlias?.dnsName);
    requirePort(owner, 'clientAlias.port', attributes.clientAlias.port);
    if (attributes.securityGroupId !== undefined) requireNonEmptyString(owner, 'securityGroupId', attributes.securityGroupId);
    const timeout = attributes.perRequestTimeout ?? DEFAULT_PER_REQUEST_TIMEOUT;
    if (!timeout.isPositiveWholeMillis()) {
      throw new InvalidPropError(owner, 'perRequestTimeout', `must be a positive duration, got ${timeout}`);
    }
    this.serviceName = attributes.serviceName;
    this.namespaceArn = attributes.namespaceArn;
    this.clientAlias = { dnsName: attributes.clientAlias.dnsName, port: attributes.clientAlias.port };
    this.securityGroupId = attributes.securityGroupId;
    this.perRequestTimeout = timeout;
    this.retryPolicy = attributes.retryPolicy ? RetryPolicy.fromSpec(attributes.retryPolicy) : undefined;
    this.retryPolicy?.check(owner, 'retryPolicy');
  }

  public urlOf(path: string): string {
    return clientAliasUrl(this.clientAlias, path);
  }
}
