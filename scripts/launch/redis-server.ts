/**
 * Starts a real `redis-server` (Debian's package, built with TLS) on a free
 * loopback port in a temporary directory, for tests and CLIs that need Redis, and
 * stops it again. By default it runs as the services meet ElastiCache in
 * AWS: TLS only (a throwaway CA and server certificate made with `openssl`
 * in the server's directory),
 * no unauthenticated access, and one ACL user with the contract's
 * permissions (`SHARED_STATE_USER_ACCESS`) and a random password. `secure:
 * false` starts a plain-text server with an open default user instead.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import Redis from 'ioredis';
import { SHARED_STATE_USER_ACCESS } from '../../contract/shared-state';
import type { RedisConnectionSettings } from '../../apps/resilience/redis-connection';

/** Name of the services' ACL user on a secure test server (the stack's default user name too). */
export const TEST_REDIS_USER = 'data-pipeline';

/** A throwaway CA and a server certificate for 127.0.0.1 and localhost it signed. */
export interface TestTlsFiles {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** Passwords of the ACL users of a secure test server. */
export interface TestRedisUsers {
  /** The services' user ({@link TEST_REDIS_USER}, the contract's permissions). */
  readonly password: string;
  /** `replicator`: what a replica authenticates as. */
  readonly replicatorPassword: string;
  /** `default`, an administrator for the tests themselves (e.g. to change a password). */
  readonly adminPassword: string;
}

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** Keep an append-only file (fsync every write), so a restart keeps the data. @default false */
  readonly appendOnly?: boolean;
  /** Directory for the data files; a new temporary one when omitted (removed on stop). */
  readonly dir?: string;
  /** Port to listen on; a free one when omitted. */
  readonly port?: number;
  /** TLS only, default user off, the services' ACL user required. @default true */
  readonly secure?: boolean;
  /** Users (passwords) to keep, e.g. when restarting a server or starting its replica. @default new random passwords */
  readonly users?: TestRedisUsers;
  /** Start as a replica of this server (same security settings and users). @default a primary */
  readonly replicaOf?: RedisServer;
}

/** A running redis-server started by {@link startRedisServer}. */
export interface RedisServer {
  /** `rediss://127.0.0.1:<port>` (secure) or `redis://127.0.0.1:<port>`, without credentials. */
  readonly url: string;
  /** The loopback port it listens on. */
  readonly port: number;
  /** Data directory of this server. */
  readonly dir: string;
  /** Whether it serves TLS only and requires the ACL user. */
  readonly secure: boolean;
  /** The ACL users' passwords (secure servers). */
  readonly users: TestRedisUsers | undefined;
  /** The test CA and certificate (secure servers). */
  readonly tlsFiles: TestTlsFiles | undefined;
  /** How the services connect: the URL and, on a secure server, the ACL user's credentials. */
  readonly connection: RedisConnectionSettings;
  /** TLS options that trust the test CA, for in-process clients (undefined on a plain server). */
  readonly tls: { readonly ca: Buffer } | undefined;
  /** Environment for a service process: `REDIS_URL`, `REDIS_USERNAME`, `REDIS_PASSWORD`, `NODE_EXTRA_CA_CERTS`. */
  serviceEnv(): Record<string, string>;
  /** A new ioredis client as the services' user (the caller quits it). */
  client(): Redis;
  /** A new ioredis client as the administrator (`default`; a plain server's open default user). */
  adminClient(): Redis;
  /** What the server logged so far. */
  output(): string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its directory if it created it. */
  stop(options?: { readonly keepDir?: boolean }): Promise<void>;
  /** Kills the server with SIGKILL (a crash), keeping its directory. */
  kill(): Promise<void>;
}

/** The path of `redis-server` on PATH, or a clear error saying how to install it. */
export function findRedisServerBinary(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error('redis-server not found on PATH: install it with `apt-get install redis-server`');
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function openssl(args: string[], cwd: string): void {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (result.error !== undefined)
    throw new Error(`openssl not found (${result.error.message}): install it with \`apt-get install openssl\``);
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.stderr}`);
}

/**
 * A throwaway CA and a server certificate signed by it (P-256, valid 2 days,
 * subject alternative names 127.0.0.1 and localhost) in `<dir>/tls`, made
 * unless they are there already (a restart on the same directory), and
 * removed with the server's directory.
 */
export function testTlsFiles(dir: string): TestTlsFiles {
  const tlsDir = join(dir, 'tls');
  const files = { caFile: join(tlsDir, 'ca.crt'), certFile: join(tlsDir, 'server.crt'), keyFile: join(tlsDir, 'server.key') };
  if (existsSync(files.certFile)) return files;
  mkdirSync(tlsDir, { recursive: true });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=throwaway test CA'], tlsDir);
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], tlsDir);
  writeFileSync(join(tlsDir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.crt',
      '-days',
      '2',
      '-extfile',
      'san.cnf',
    ],
    tlsDir,
  );
  return files;
}

/**
 * The ACL file of a secure server: the services' user, a replication user and
 * the default user behind a password (so a connection starts unauthenticated).
 * The default user cannot be `off`: Redis 7.0 replays an append-only file's
 * `MULTI`/`EXEC` with the default user's permissions, and refuses them then.
 */
function writeAclFile(dir: string, users: TestRedisUsers): string {
  const path = join(dir, 'users.acl');
  writeFileSync(
    path,
    [
      `user default on >${users.adminPassword} ~* &* +@all`,
      `user ${TEST_REDIS_USER} on >${users.password} ${SHARED_STATE_USER_ACCESS}`,
      `user replicator on >${users.replicatorPassword} +psync +replconf +ping`,
      '',
    ].join('\n'),
  );
  return path;
}

function newUsers(): TestRedisUsers {
  const password = () => randomBytes(24).toString('hex');
  return { password: password(), replicatorPassword: password(), adminPassword: password() };
}

/** Starts a redis-server and resolves once it accepts connections. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = findRedisServerBinary();
  const secure = options.replicaOf?.secure ?? options.secure ?? true;
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'redis-test-'));
  const port = options.port ?? (await freeLoopbackPort());
  const users = secure ? (options.users ?? options.replicaOf?.users ?? newUsers()) : undefined;
  const tlsFiles = secure ? testTlsFiles(dir) : undefined;
  const args = ['--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--repl-diskless-sync-delay', '0'];
  if (tlsFiles !== undefined && users !== undefined) {
    args.push('--port', '0', '--tls-port', String(port), '--tls-cert-file', tlsFiles.certFile, '--tls-key-file', tlsFiles.keyFile);
    // A replica checks its primary's certificate with this CA (clients present none: --tls-auth-clients no).
    const caFile = options.replicaOf?.tlsFiles?.caFile ?? tlsFiles.caFile;
    args.push('--tls-ca-cert-file', caFile, '--tls-auth-clients', 'no', '--aclfile', writeAclFile(dir, users));
  } else {
    args.push('--port', String(port));
  }
  args.push(...(options.appendOnly === true ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
  if (options.replicaOf !== undefined) {
    args.push('--replicaof', '127.0.0.1', String(options.replicaOf.port));
    if (users !== undefined) args.push('--tls-replication', 'yes', '--masteruser', 'replicator', '--masterauth', users.replicatorPassword);
  }
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitUntilAccepting(port, tlsFiles, child, () => output);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const terminate = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const url = `${secure ? 'rediss' : 'redis'}://127.0.0.1:${port}`;
  const connection: RedisConnectionSettings = users === undefined ? { url } : { url, username: TEST_REDIS_USER, password: users.password };
  const tls = tlsFiles === undefined ? undefined : { ca: readFileSync(tlsFiles.caFile) };
  return {
    url,
    port,
    dir,
    secure,
    users,
    tlsFiles,
    connection,
    tls,
    serviceEnv() {
      return {
        REDIS_URL: url,
        ...(users === undefined ? {} : { REDIS_USERNAME: TEST_REDIS_USER, REDIS_PASSWORD: users.password }),
        ...(tlsFiles === undefined ? {} : { NODE_EXTRA_CA_CERTS: tlsFiles.caFile }),
      };
    },
    client() {
      return new Redis(url, { username: connection.username, password: connection.password, ...(tls === undefined ? {} : { tls }) });
    },
    adminClient() {
      return new Redis(url, users === undefined ? {} : { username: 'default', password: users.adminPassword, tls });
    },
    output: () => output,
    async stop(stopOptions = {}) {
      await terminate('SIGTERM');
      if (ownsDir && stopOptions.keepDir !== true) rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      await terminate('SIGKILL');
    },
  };
}

async function waitUntilAccepting(
  port: number,
  tlsFiles: TestTlsFiles | undefined,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${output()}`);
    if (await answersPing(port, tlsFiles)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not accept connections on port ${port} within 10 s: ${output()}`);
}

/** Whether the server answers a `PING` (with `+PONG`, or `-NOAUTH` when it requires a user). */
async function answersPing(port: number, tlsFiles: TestTlsFiles | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const socket: Socket =
      tlsFiles === undefined
        ? connect(port, '127.0.0.1')
        : connectTls({ port, host: '127.0.0.1', ca: readFileSync(tlsFiles.caFile), servername: 'localhost' });
    socket.once('error', () => resolve(false));
    socket.once(tlsFiles === undefined ? 'connect' : 'secureConnect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(/^(\+PONG|-NOAUTH)/.test(data.toString()));
    });
  });
}
