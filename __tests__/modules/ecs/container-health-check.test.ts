import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { delimiter, join } from 'node:path';
import { ContainerHealthCheck, HttpProbeRuntime } from '../../../modules/ecs/container-health-check';

const OWNER = "MeshedService 'test/Orders'";

/** Whether `program` is on PATH (curl and wget are optional on a developer's machine). */
function onPath(program: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, program)));
}

/** A loopback server answering `status` on /health-check and 404 elsewhere. */
async function healthServer(status: number): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => res.writeHead(req.url === '/health-check' ? status : 404).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Runs an ECS `CMD` health check command on this machine; resolves its exit code. */
function runCommand(command: readonly string[]): Promise<number> {
  const [kind, program, ...args] = command;
  if (kind !== 'CMD' || program === undefined) throw new Error(`not a CMD health check: ${command.join(' ')}`);
  const executable = program === 'node' ? process.execPath : program;
  return new Promise((resolve) => execFile(executable, args, { timeout: 10_000 }, (error) => resolve(error ? Number(error.code ?? 1) : 0)));
}

describe('ContainerHealthCheck', () => {
  describe.each([HttpProbeRuntime.NODE, HttpProbeRuntime.CURL, HttpProbeRuntime.WGET])('http probed by %s', (runtime) => {
    const available = runtime === HttpProbeRuntime.NODE || onPath(runtime);

    (available ? test : test.skip)('the rendered command really exits 0 on 200 and non-zero on 503', async () => {
      for (const status of [200, 503]) {
        // GIVEN a service answering `status`
        const { server, port } = await healthServer(status);
        try {
          // WHEN ECS would run the check
          const { command } = ContainerHealthCheck.http({ path: '/health-check', runtime }).render(OWNER, 'spec.healthCheck', port);
          const exitCode = await runCommand(command);
          // THEN
          expect({ status, healthy: exitCode === 0 }).toEqual({ status, healthy: status === 200 });
        } finally {
          server.close();
        }
      }
    });
  });

  test('renders ECS timing defaults, and a given port instead of the service port', () => {
    const rendered = ContainerHealthCheck.http({ path: '/ready', runtime: HttpProbeRuntime.CURL, port: 9000 }, { retries: 3 }).render(
      OWNER,
      'spec.healthCheck',
      3000,
    );
    expect(rendered).toEqual({
      command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:9000/ready'],
      interval: 20,
      retries: 3,
      startPeriod: 10,
      timeout: 5,
    });
  });

  test('a command is used as given', () => {
    const rendered = ContainerHealthCheck.command(['CMD-SHELL', 'test -f /tmp/ready'], { intervalSeconds: 10 }).render(
      OWNER,
      'healthCheck',
      3000,
    );
    expect(rendered.command).toEqual(['CMD-SHELL', 'test -f /tmp/ready']);
    expect(rendered.interval).toBe(10);
  });

  test.each([
    [
      () => ContainerHealthCheck.http({ path: 'health', runtime: HttpProbeRuntime.NODE }),
      /'spec\.healthCheck\.path': must start with '\/', got 'health' \(string\)/,
    ],
    [
      () => ContainerHealthCheck.http({ path: '/h', runtime: 'python' as HttpProbeRuntime }),
      /'spec\.healthCheck\.runtime': must be one of node, curl, wget, got 'python' \(string\)/,
    ],
    [
      () => ContainerHealthCheck.command(['node', 'check.js']),
      /'spec\.healthCheck\.command\[0\]': must be 'CMD' or 'CMD-SHELL' \(ECS\), got 'node'/,
    ],
    [
      () => ContainerHealthCheck.http({ path: '/h', runtime: HttpProbeRuntime.NODE }, { intervalSeconds: 1 }),
      /'spec\.healthCheck\.intervalSeconds': must be an integer from 5 to 300, got 1/,
    ],
  ])('rejects %#', (check, message) => {
    expect(() => check().render(OWNER, 'spec.healthCheck', 3000)).toThrow(
      new RegExp(`${OWNER.replace(/[/']/g, '.')}: invalid prop ${message.source}`),
    );
  });
});
