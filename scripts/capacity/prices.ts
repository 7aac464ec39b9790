/**
 * The one price table of the capacity model (`npm run capacity`): AWS list
 * prices, on demand, in USD, per region, each with the AWS page that
 * publishes it and whether the figure was confirmed against a published
 * source when the table was dated. A price marked `confirmed: false` is the
 * best figure available without reading AWS's own page; the command prints
 * which of the prices it used are unconfirmed. Change prices here and only
 * here, and move `PRICES_CHECKED_ON` with them.
 */

/** The day the prices below were last checked. */
export const PRICES_CHECKED_ON = '2026-12-07';

/** One price and where it comes from. */
export interface Price {
  readonly usd: number;
  /** What one `usd` buys, e.g. "vCPU-hour". */
  readonly per: string;
  /** The AWS page that publishes the price. */
  readonly source: string;
  /** Whether the figure was confirmed against a published quotation of that page on PRICES_CHECKED_ON. */
  readonly confirmed: boolean;
  /** How it was confirmed, or why it could not be. */
  readonly note: string;
}

/** An ElastiCache node type: its memory and hourly price. */
export interface CacheNodePrice extends Price {
  readonly nodeType: string;
  /** Memory of the node, GiB (ElastiCache reserves 25% of it by default: see CACHE_RESERVED_MEMORY_SHARE). */
  readonly memoryGiB: number;
}

/** The prices of one region. */
export interface RegionPrices {
  readonly region: string;
  readonly fargateVcpuHour: Price;
  readonly fargateGbHour: Price;
  readonly albHour: Price;
  readonly albLcuHour: Price;
  readonly publicIpv4Hour: Price;
  readonly wafWebAclMonth: Price;
  readonly wafRuleMonth: Price;
  readonly wafMillionRequests: Price;
  readonly sqsStandardMillionRequests: Price;
  readonly sqsFifoMillionRequests: Price;
  readonly logsIngestGb: Price;
  readonly logsStorageGbMonth: Price;
  readonly natGatewayHour: Price;
  readonly natGatewayGb: Price;
  readonly internetEgressGb: Price;
  /** An interface VPC endpoint, per zone: the alternative to the NAT gateway for traffic to AWS APIs. */
  readonly interfaceEndpointHour: Price;
  readonly interfaceEndpointGb: Price;
  /** ElastiCache for Valkey node types, smallest first. */
  readonly cacheNodes: readonly CacheNodePrice[];
}

const FARGATE = 'https://aws.amazon.com/fargate/pricing/';
const ELB = 'https://aws.amazon.com/elasticloadbalancing/pricing/';
const VPC = 'https://aws.amazon.com/vpc/pricing/';
const WAF = 'https://aws.amazon.com/waf/pricing/';
const SQS = 'https://aws.amazon.com/sqs/pricing/';
const CLOUDWATCH = 'https://aws.amazon.com/cloudwatch/pricing/';
const EC2 = 'https://aws.amazon.com/ec2/pricing/on-demand/';
const ELASTICACHE = 'https://aws.amazon.com/elasticache/pricing/';

const confirmed = (usd: number, per: string, source: string, note: string): Price => ({ usd, per, source, confirmed: true, note });

/**
 * ElastiCache for Valkey, node-based, on demand. Not confirmed: the pricing
 * page renders its rates from a script, and no published quotation of the
 * Valkey node rates was found; these are the Redis OSS rates of us-east-1
 * less the 20% AWS states for Valkey node-based clusters. Memory per node
 * type from the ElastiCache node-type table.
 */
const valkeyNode = (nodeType: string, memoryGiB: number, redisOssUsdHour: number): CacheNodePrice => ({
  nodeType,
  memoryGiB,
  usd: Number((redisOssUsdHour * 0.8).toFixed(5)),
  per: 'node-hour',
  source: ELASTICACHE,
  confirmed: false,
  note: `Redis OSS rate $${redisOssUsdHour}/h less 20% for Valkey; not confirmed against the page`,
});

/** US East (N. Virginia). */
const US_EAST_1: RegionPrices = {
  region: 'us-east-1',
  fargateVcpuHour: confirmed(
    0.04048,
    'vCPU-hour (Linux/x86)',
    FARGATE,
    'quoted for us-east-1 by vantage.sh and factualminds.com (June 2026)',
  ),
  fargateGbHour: confirmed(0.004445, 'GB-hour (Linux/x86)', FARGATE, 'quoted for us-east-1 by vantage.sh and factualminds.com (June 2026)'),
  albHour: confirmed(0.0225, 'ALB-hour', ELB, "the page's own us-east-1 example, transcribed verbatim (api-evangelist, 2026-09-20)"),
  albLcuHour: confirmed(0.008, 'LCU-hour', ELB, "the page's own us-east-1 example, transcribed verbatim (api-evangelist, 2026-09-20)"),
  publicIpv4Hour: confirmed(
    0.005,
    'public IPv4 address-hour (one per ALB node, per zone)',
    VPC,
    'quoted by egresscost.com and cloudburn.io (2026)',
  ),
  wafWebAclMonth: confirmed(5, 'web ACL-month', WAF, 'quoted by c3x.dev and awsnegotiations.com (2026); the same in every region'),
  wafRuleMonth: confirmed(1, 'rule-month', WAF, 'quoted by c3x.dev and awsnegotiations.com (2026)'),
  wafMillionRequests: confirmed(0.6, 'million requests', WAF, 'quoted by c3x.dev and awsnegotiations.com (2026)'),
  sqsStandardMillionRequests: confirmed(
    0.4,
    'million requests (standard, first 100 billion a month)',
    SQS,
    'quoted by cloudburn.io (March 2026) and factualminds.com (June 2026)',
  ),
  sqsFifoMillionRequests: confirmed(
    0.5,
    'million requests (FIFO)',
    SQS,
    'quoted by cloudburn.io (March 2026) and factualminds.com (June 2026)',
  ),
  logsIngestGb: confirmed(0.5, 'GB ingested (Standard log class)', CLOUDWATCH, 'quoted for us-east-1 by c3x.dev and hykell.com (2026)'),
  logsStorageGbMonth: confirmed(0.03, 'GB-month stored', CLOUDWATCH, 'quoted for us-east-1 by c3x.dev and hykell.com (2026)'),
  natGatewayHour: confirmed(0.045, 'NAT gateway-hour', VPC, 'quoted for us-east-1 by basavytix.com and cloudburn.io (2026)'),
  natGatewayGb: confirmed(0.045, 'GB processed by a NAT gateway', VPC, 'quoted for us-east-1 by basavytix.com and cloudburn.io (2026)'),
  internetEgressGb: confirmed(
    0.09,
    'GB out to the internet (first 10 TB a month, after 100 GB free)',
    EC2,
    'quoted by egresscost.com and awsglossary.org (2026)',
  ),
  interfaceEndpointHour: confirmed(
    0.01,
    'interface endpoint-hour, per zone',
    'https://aws.amazon.com/privatelink/pricing/',
    'quoted by egresscost.com (March 2026)',
  ),
  interfaceEndpointGb: confirmed(
    0.01,
    'GB processed by interface endpoints (first PB a month)',
    'https://aws.amazon.com/privatelink/pricing/',
    'quoted by egresscost.com (March 2026)',
  ),
  cacheNodes: [
    valkeyNode('cache.t4g.micro', 0.5, 0.016),
    valkeyNode('cache.t4g.small', 1.37, 0.032),
    valkeyNode('cache.t4g.medium', 3.09, 0.065),
    valkeyNode('cache.r7g.large', 13.07, 0.219),
    valkeyNode('cache.r7g.xlarge', 26.32, 0.437),
    valkeyNode('cache.r7g.2xlarge', 52.82, 0.873),
    valkeyNode('cache.r7g.4xlarge', 105.81, 1.745),
    valkeyNode('cache.r7g.8xlarge', 209.55, 3.49),
    valkeyNode('cache.r7g.12xlarge', 317.77, 5.235),
    valkeyNode('cache.r7g.16xlarge', 419.09, 6.981),
  ],
};

/** The regions the table has prices for. */
export const REGION_PRICES: Readonly<Record<string, RegionPrices>> = { 'us-east-1': US_EAST_1 };

/** Every price of a region, flattened, with its name: for the list of unconfirmed prices. */
export function pricesOf(region: RegionPrices): { name: string; price: Price }[] {
  return Object.entries(region).flatMap(([name, value]) => {
    if (name === 'region') return [];
    if (Array.isArray(value)) return (value as CacheNodePrice[]).map((node) => ({ name: node.nodeType, price: node }));
    return [{ name, price: value as Price }];
  });
}
