/**
 * A local stand-in for the Application Load Balancer in mutual-TLS `verify`
 * mode: HTTPS on loopback that demands a client certificate, verifies it
 * against the vehicle CA and its revocation list (refusing the handshake
 * otherwise: no certificate, an unknown CA, expired, revoked), and forwards
 * each request over plain HTTP to ingestion with the headers the load
 * balancer adds: the `X-Amzn-Mtls-Clientcert-*` set (the leaf certificate as
 * URL-encoded PEM, `+=/` left as they are) and `X-Forwarded-For/-Proto/-Port`.
 * Any `X-Amzn-Mtls-*` header the client sent itself is dropped first, so a
 * client cannot name a certificate it did not present.
 *
 * Used by `npm run dev -- --mtls` and the end-to-end tests, so the same
 * ingestion code (`VEHICLE_AUTH=alb-mtls`) runs locally as behind the ALB.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  Agent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

/** The files of the front's TLS set-up (PEM). */
export interface MtlsFrontFiles {
  /** CA bundle vehicle certificates must chain to (the trust store's bundle). */
  readonly ca: string;
  /** Revocation list of that CA; a certificate listed in it is refused. */
  readonly crl: string;
  /** The front's own server certificate and key. */
  readonly certificate: string;
  readonly key: string;
}

/** Options of {@link startMtlsFront}. */
export interface MtlsFrontOptions {
  /** Base URL of ingestion (`http://127.0.0.1:3000`). */
  readonly target: URL;
  readonly files: MtlsFrontFiles;
  /** Port to listen on. @default a free port */
  readonly port?: number;
  /** Address to listen on. @default 127.0.0.1 */
  readonly host?: string;
  /**
   * Called for each refused connection with the reason: OpenSSL's error code
   * when the client sent no certificate (`ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE`),
   * else the verification error (`CERT_REVOKED`, `CERT_HAS_EXPIRED`,
   * `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, ...). Dev prints it, tests record it. @default none
   */
  readonly onRefusedHandshake?: (reason: string) => void;
}

/** A running front. */
export interface MtlsFront {
  /** `https://<host>:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Reads the files again (a new CRL after a revocation, a new CA bundle) for the next handshakes. */
  reload(): void;
  close(): Promise<void>;
}

/** Headers that belong to one connection and are not forwarded (RFC 9110, 7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Headers only the load balancer may set: dropped from what the client sent. */
const LOAD_BALANCER_HEADER = /^x-amzn-(mtls|tls)-/;

/**
 * `text` URL-encoded as the ALB encodes `X-Amzn-Mtls-Clientcert-Leaf`: every
 * byte but letters, digits, `-._~` and `+=/` as `%XX` (spaces `%20`, newlines `%0A`).
 */
export function albUrlEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%(2B|3D|2F)/g, (_escape, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** A distinguished name as RFC 2253 writes it: most specific first, comma-separated, special characters escaped. */
function rfc2253(name: string): string {
  return name
    .split('\n')
    .reverse()
    .map((attribute) => {
      const equals = attribute.indexOf('=');
      const value = attribute.slice(equals + 1).replace(/([,+"\\<>;])/g, '\\$1');
      return `${attribute.slice(0, equals)}=${value}`;
    })
    .join(',');
}

/** `date` as ISO 8601 to the second (`2026-01-31T12:00:00Z`). */
function isoSeconds(date: string): string {
  return new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The `X-Amzn-Mtls-Clientcert-*` headers the ALB adds in verify mode for `leaf`. */
export function albClientCertificateHeaders(leaf: X509Certificate): Record<string, string> {
  return {
    'x-amzn-mtls-clientcert-serial-number': leaf.serialNumber,
    'x-amzn-mtls-clientcert-issuer': rfc2253(leaf.issuer),
    'x-amzn-mtls-clientcert-subject': rfc2253(leaf.subject),
    'x-amzn-mtls-clientcert-validity': `NotBefore=${isoSeconds(leaf.validFrom)};NotAfter=${isoSeconds(leaf.validTo)}`,
    'x-amzn-mtls-clientcert-leaf': albUrlEncode(leaf.toString()),
  };
}

/** The client's request headers as forwarded to ingestion. */
function forwardedHeaders(request: IncomingMessage, leaf: X509Certificate, port: number): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !LOAD_BALANCER_HEADER.test(name)) headers[name] = value;
  }
  const clientAddress = request.socket.remoteAddress ?? '';
  const earlier = request.headers['x-forwarded-for'];
  return {
    ...headers,
    // The ALB's default (`routing.http.xff_header_processing.mode` = append): the client's address after any it sent.
    'x-forwarded-for': earlier === undefined ? clientAddress : `${earlier}, ${clientAddress}`,
    'x-forwarded-proto': 'https',
    'x-forwarded-port': String(port),
    ...albClientCertificateHeaders(leaf),
  };
}

function answerHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

/** Starts the front and resolves once it listens. */
export async function startMtlsFront(options: MtlsFrontOptions): Promise<MtlsFront> {
  const tlsOptions = () => ({
    ca: readFileSync(options.files.ca),
    crl: readFileSync(options.files.crl),
    cert: readFileSync(options.files.certificate),
    key: readFileSync(options.files.key),
  });
  const agent = new Agent({ keepAlive: true });
  const host = options.host ?? '127.0.0.1';
  let port = 0;
  const server: Server = createServer({ ...tlsOptions(), requestCert: true, rejectUnauthorized: true }, (request, response) =>
    forward(request, response),
  );

  function forward(request: IncomingMessage, response: ServerResponse): void {
    // rejectUnauthorized: every request arrives on a connection with a verified certificate.
    const leaf = (request.socket as TLSSocket).getPeerX509Certificate();
    if (leaf === undefined) {
      response.writeHead(400).end();
      return;
    }
    const upstream = httpRequest(
      new URL(request.url ?? '/', options.target),
      { method: request.method, headers: forwardedHeaders(request, leaf, port), agent },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answerHeaders(answer.headers));
        answer.pipe(response);
      },
    );
    upstream.on('error', () => {
      // Ingestion unreachable: 502 as the ALB answers; cut off mid-answer: the client's connection too.
      if (response.headersSent) response.destroy();
      else response.writeHead(502, { 'content-type': 'text/plain' }).end('502 Bad Gateway\n');
    });
    response.on('close', () => {
      if (!response.writableFinished) upstream.destroy();
    });
    request.pipe(upstream);
  }

  // Node verifies the presented chain once OpenSSL's handshake is done and closes the connection
  // when it fails, before any request is read; the socket keeps the reason.
  server.on('tlsClientError', (error: NodeJS.ErrnoException, socket: TLSSocket) =>
    options.onRefusedHandshake?.(socket.authorizationError?.toString() ?? error.code ?? error.message),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    reload: () => server.setSecureContext(tlsOptions()),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
