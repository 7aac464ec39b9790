import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli, UsageError, type CliDefinition, type CliIo } from '../../scripts/cli/run-cli';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

/** Collects what a CLI writes. */
function collect(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (line) => out.push(line), stderr: (line) => err.push(line) };
}

const echo: CliDefinition<{ times: { type: 'string' }; loud: { type: 'boolean' } }> = {
  name: 'echo',
  usage: 'usage: echo [--times N] [--loud] <word>',
  options: { times: { type: 'string' }, loud: { type: 'boolean' } },
  allowPositionals: true,
  run: ({ values, positionals }, io) => {
    if (positionals.length !== 1) throw new UsageError('expected one word');
    if (positionals[0] === 'fail') throw new Error('it failed\nover two lines');
    const word = values.loud === true ? positionals[0].toUpperCase() : positionals[0];
    for (let i = 0; i < Number(values.times ?? 1); i += 1) io.stdout(word);
    return 0;
  },
};

describe('the shared CLI runner', () => {
  test('--help and -h print the usage on stdout and exit 0, without running the tool', async () => {
    for (const flag of ['--help', '-h']) {
      const io = collect();
      expect(await runCli(echo, [flag], io)).toBe(0);
      expect(io.out).toEqual([echo.usage]);
      expect(io.err).toEqual([]);
    }
  });

  test('an unknown option is a usage error: the message and the usage on stderr, exit 2', async () => {
    const io = collect();
    expect(await runCli(echo, ['--tims', '2', 'x'], io)).toBe(2);
    expect(io.err).toHaveLength(1);
    expect(io.err[0]).toMatch(/^echo: Unknown option '--tims'.*\nusage: echo/s);
    expect(io.out).toEqual([]);
  });

  test('a usage error found by the tool is reported the same way', async () => {
    const io = collect();
    expect(await runCli(echo, [], io)).toBe(2);
    expect(io.err).toEqual([`echo: expected one word\n${echo.usage}`]);
  });

  test('a failure is one line on stderr and exit 1', async () => {
    const io = collect();
    expect(await runCli(echo, ['fail'], io)).toBe(1);
    expect(io.err).toEqual(['echo: it failed over two lines']);
  });

  test('the tool gets the parsed options and positionals', async () => {
    const io = collect();
    expect(await runCli(echo, ['--times', '2', '--loud', 'hi'], io)).toBe(0);
    expect(io.out).toEqual(['HI', 'HI']);
  });
});

describe('every npm run CLI on the runner, as a real process', () => {
  /** Runs `tsx scripts/<script>` with `args`; resolves with exit code and output. */
  async function cli(
    script: string,
    args: string[],
    env: NodeJS.ProcessEnv = {},
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', script), ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  test.each([
    ['redrive.ts', 'redrive', /^usage: npm run redrive -- <command>/],
    ['diagram.ts', 'diagram', /^usage: npm run diagram/],
    ['retry-budget.ts', 'budget', /^usage: npm run budget/],
    ['drill.ts', 'drill', /^usage: npm run drill/],
  ])(
    '%s answers --help with its usage (exit 0) and refuses an unknown option (exit 2)',
    async (script, name, usage) => {
      const help = await cli(script, ['--help']);
      expect(help).toMatchObject({ code: 0, stderr: '' });
      expect(help.stdout).toMatch(usage);
      const wrong = await cli(script, ['--no-such-option']);
      expect(wrong.code).toBe(2);
      expect(wrong.stdout).toBe('');
      expect(wrong.stderr).toMatch(new RegExp(`^${name}: Unknown option '--no-such-option'`));
      expect(wrong.stderr).toMatch(usage.source.replace('^', '\n'));
    },
    60_000,
  );

  test('budget names the known environments for an unknown one (exit 2)', async () => {
    const wrong = await cli('retry-budget.ts', ['--env', 'staging']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^budget: unknown environment 'staging'; known: dev, prd\n/);
  }, 60_000);

  describe('redrive over SQS without a region', () => {
    let home: string;
    beforeEach(() => {
      home = mkdtempSync(join(tmpdir(), 'no-aws-config-'));
    });
    afterEach(() => rmSync(home, { recursive: true, force: true }));

    test('says to set AWS_REGION, instead of the SDK\'s "Region is missing"', async () => {
      // An empty HOME: no ~/.aws/config profile gives a region either. NODE_NO_WARNINGS: the SDK's Node 20 notice.
      const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/ev-retry-dlq';
      const result = await cli('redrive.ts', ['list'], { HOME: home, DLQ_URL, NODE_NO_WARNINGS: '1' });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^redrive: no AWS region for SQS: set AWS_REGION/);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }, 60_000);
  });
});
