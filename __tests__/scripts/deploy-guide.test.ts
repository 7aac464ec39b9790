/**
 * docs/deploy-guide.md stays followable: every command in it is marked as
 * needing an AWS account, needing Docker, or tested (by a test that exists),
 * the Terraform addresses it targets exist in the synthesized stack, and its
 * image builds pass the contract's service and port.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_INGESTION, DATA_PROCESSING } from '../../contract/services';
import { tempDir } from '../helpers/terraform';

const ROOT = join(__dirname, '..', '..');
const GUIDE = readFileSync(join(ROOT, 'docs', 'deploy-guide.md'), 'utf8');
const STACK = 'ev-pipeline-dev-service-connect';

/** The guide's shell commands: `sh` blocks, `\` continuations joined, comment lines dropped. */
function commands(): string[] {
  const blocks = [...GUIDE.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]);
  return blocks.flatMap((block) =>
    block
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
}

/** Lines that only change the shell's own state (a directory, a variable): nothing to run or test. */
const shellOnly = (command: string): boolean => /^cd\s/.test(command) || /^[A-Z_]+=\S*(\s+#.*)?$/.test(command);

describe('docs/deploy-guide.md', () => {
  test('marks every command: needs an AWS account, needs Docker, or tested by a file that exists', () => {
    const unmarked: string[] = [];
    for (const command of commands().filter((line) => !shellOnly(line))) {
      const mark = /#\s*(needs an AWS account|needs Docker|tested: (\S+))/.exec(command);
      if (mark === null) unmarked.push(command);
      else if (mark[2] !== undefined) expect({ command, exists: existsSync(join(ROOT, mark[2])) }).toEqual({ command, exists: true });
    }
    expect(unmarked).toEqual([]);
    expect(commands().length).toBeGreaterThan(15);
  });

  test('its table of contents lists every section, in order', () => {
    const headings = [...GUIDE.matchAll(/^## \d+\. (.+)$/gm)].map((match) => match[1]);
    const toc = [...GUIDE.matchAll(/^\d+\. \[(.+)\]\(#.+\)$/gm)].map((match) => match[1]);
    expect(toc).toEqual(headings);
  });

  test('builds each image from apps/Dockerfile with the service and the port of the contract', () => {
    const builds = commands().filter((command) => command.startsWith('docker build'));
    expect(builds).toHaveLength(2);
    for (const [app, service] of [
      ['ingestion', DATA_INGESTION],
      ['processing', DATA_PROCESSING],
    ] as const) {
      expect(
        builds.some((build) => build.includes(`-f apps/Dockerfile --build-arg SERVICE=${app} --build-arg APP_PORT=${service.port}`)),
      ).toBe(true);
    }
  });

  describe(`against a fresh synthesis of ${STACK}`, () => {
    let outdir: string;
    let stack: { resource: Record<string, Record<string, { name?: string }>>; output: Record<string, unknown> };
    beforeAll(() => {
      outdir = tempDir('deploy-guide-synth-');
      const env = Object.fromEntries(
        Object.entries(process.env).filter(([name]) => !name.startsWith('CDKTF_') && !name.startsWith('EV_PIPELINE')),
      );
      const run = spawnSync(process.execPath, ['scripts/synth.cjs', '--output', outdir], { cwd: ROOT, env, encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`synth failed\n${run.stdout}\n${run.stderr}`);
      stack = JSON.parse(readFileSync(join(outdir, 'stacks', STACK, 'cdk.tf.json'), 'utf8'));
    }, 120_000);
    afterAll(() => rmSync(outdir, { recursive: true, force: true }));

    test('the first apply targets exactly the ECR repositories, by addresses that exist', () => {
      const targets = [...GUIDE.matchAll(/-target=(\w+)\.(\w+)/g)].map((match) => `${match[1]}.${match[2]}`);
      const repositories = Object.keys(stack.resource.aws_ecr_repository).map((name) => `aws_ecr_repository.${name}`);
      expect(targets.sort()).toEqual(repositories.sort());
    });

    test('the images are pushed to the repositories the stack names (project ev-pipeline), and their URLs are an output', () => {
      const names = Object.values(stack.resource.aws_ecr_repository).map((repository) =>
        repository.name!.replace('${var.project}', 'ev-pipeline'),
      );
      const pushes = commands().filter((command) => command.startsWith('docker push'));
      expect(pushes.map((push) => /\/([\w-]+):\$TAG/.exec(push)?.[1]).sort()).toEqual(names.sort());
      expect(GUIDE).toContain('terraform output -json ecr_repository_urls');
      expect(stack.output.ecr_repository_urls).toBeDefined();
    });

    test('the stated number of cache nodes in dev is the synthesized one', () => {
      const [cache] = Object.values(stack.resource.aws_elasticache_replication_group) as Array<{ num_cache_clusters: number }>;
      expect(cache.num_cache_clusters).toBe(2);
      expect(GUIDE).toContain('two `cache.t4g.micro` cache nodes');
    });
  });
});
