/**
 * Who gets AWS credentials in the two workflows, and which roles their OIDC
 * tokens open. The attacks: a pull request's code (its diff runs in every
 * job a pull request triggers, install scripts of its lock file included)
 * reaching prd's state or secrets; an install script running with
 * credentials; one pipeline's job assuming the other pipeline's role.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { githubOidcTrustPolicy } from '../../modules/iam/github-oidc-trust';
import { ENVIRONMENTS, type EnvironmentName } from '../../pipeline/environments';
import { DeliveryPipeline, githubEnvironmentName } from '../../pipeline/github-environments';
import { ServiceConnectPipelineStack } from '../../pipeline/service-connect-stack';
import { trustAdmits } from '../helpers/iam-conditions';

const ROOT = join(__dirname, '..', '..');
const HOST = 'token.actions.githubusercontent.com';
const REPOSITORY = 'acme/ev-pipeline';
const PROVIDER = `arn:aws:iam::123456789012:oidc-provider/${HOST}`;
const ENVS = Object.keys(ENVIRONMENTS) as EnvironmentName[];
const WORKFLOWS: Record<DeliveryPipeline, any> = {
  [DeliveryPipeline.INFRASTRUCTURE]: parse(readFileSync(join(ROOT, '.github/workflows/infrastructure.yml'), 'utf8')),
  [DeliveryPipeline.APPLICATION]: parse(readFileSync(join(ROOT, '.github/workflows/application.yml'), 'utf8')),
};
const CREDENTIALS_ACTION = 'aws-actions/configure-aws-credentials@';

type Job = { id: string; pipeline: DeliveryPipeline; spec: any };

const jobsOf = (pipeline: DeliveryPipeline): Job[] =>
  Object.entries<any>(WORKFLOWS[pipeline].jobs).map(([id, spec]) => ({ id, pipeline, spec }));
const allJobs = (): Job[] => Object.values(DeliveryPipeline).flatMap(jobsOf);
const stepsOf = (job: Job): any[] => job.spec.steps ?? [];
const credentialSteps = (job: Job): number[] =>
  stepsOf(job).flatMap((step, index) => (String(step.uses ?? '').startsWith(CREDENTIALS_ACTION) ? [index] : []));
const needsOf = (job: Job): string[] => [job.spec.needs ?? []].flat();

/**
 * Whether a pull request can run `job`: the workflow has a pull_request
 * trigger and neither the job's `if` nor that of a job it needs keeps pull
 * requests out.
 */
function runsOnPullRequest(job: Job): boolean {
  const on = WORKFLOWS[job.pipeline].on;
  if (!('pull_request' in on) && !('pull_request_target' in on)) return false;
  const excluded = (candidate: Job): boolean =>
    /github\.event_name != 'pull_request'|github\.event_name == 'push'/.test(String(candidate.spec.if ?? '')) ||
    needsOf(candidate).some((need) => excluded({ id: need, pipeline: job.pipeline, spec: WORKFLOWS[job.pipeline].jobs[need] }));
  return !excluded(job);
}

/** Everything of a job that names a role, an environment or a matrix: where a prd role could come from. */
function credentialSources(job: Job): string {
  const roles = credentialSteps(job).map((index) => String(stepsOf(job)[index].with?.['role-to-assume']));
  return JSON.stringify({ roles, environment: job.spec.environment, matrix: job.spec.strategy?.matrix, env: job.spec.env });
}

describe('pull requests get no credentials that reach prd', () => {
  test.each(allJobs().map((job) => [`${job.pipeline}.yml ${job.id}`, job] as const))(
    '%s: when a pull request runs it, no OIDC token for a prd role, no prd environment',
    (_, job) => {
      if (!runsOnPullRequest(job)) return;
      expect(job.spec.environment).toBeUndefined();
      if (job.spec.permissions?.['id-token'] === 'write' || credentialSteps(job).length > 0) {
        expect(credentialSources(job)).not.toMatch(/prd|PRD/);
        // Only the plan job of the infrastructure pipeline has cloud access on a pull request, with dev's read-only role.
        expect(`${job.pipeline}.yml ${job.id}`).toBe('infrastructure.yml diff');
        expect(credentialSources(job)).toContain('vars.DEV_TERRAFORM_DIFF_ROLE_ARN');
      }
    },
  );

  test('the application pipeline has no cloud access on a pull request at all', () => {
    const onPullRequest = jobsOf(DeliveryPipeline.APPLICATION).filter(runsOnPullRequest);
    expect(onPullRequest.map((job) => job.id).sort()).toEqual(['build', 'test']);
    for (const job of onPullRequest) {
      expect(job.spec.permissions?.['id-token']).toBeUndefined();
      expect(credentialSteps(job)).toEqual([]);
    }
  });

  test('the workflows grant no token by default', () => {
    for (const workflow of Object.values(WORKFLOWS)) expect(workflow.permissions).toEqual({ contents: 'read' });
  });
});

describe('install scripts never run with credentials', () => {
  test.each(allJobs().map((job) => [`${job.pipeline}.yml ${job.id}`, job] as const))(
    '%s: every npm ci ignores scripts and comes before the credentials; nothing installs after them',
    (_, job) => {
      const steps = stepsOf(job);
      const installs = steps.flatMap((step, index) => (/\bnpm (ci|install|i)\b/.test(String(step.run ?? '')) ? [index] : []));
      for (const index of installs) expect(String(steps[index].run)).toMatch(/^npm ci --ignore-scripts\b/);
      const [firstCredentials] = credentialSteps(job);
      if (firstCredentials === undefined) return;
      for (const index of installs) expect(index).toBeLessThan(firstCredentials);
      for (const step of steps.slice(firstCredentials)) expect(String(step.run ?? '')).not.toMatch(/\bnpm (ci|install|i)\b|\bnpx\b/);
    },
  );
});

describe('each pipeline deploys in environments of its own, prd after dev', () => {
  test.each(Object.values(DeliveryPipeline))('%s.yml', (pipeline) => {
    for (const env of ENVS) {
      const job = WORKFLOWS[pipeline].jobs[`deploy-${env}`];
      expect(job.environment).toBe(githubEnvironmentName(pipeline, env));
      expect(job.if).toContain("github.event_name != 'pull_request'");
      expect(job.if).toContain("github.ref == 'refs/heads/main'");
    }
    expect(WORKFLOWS[pipeline].jobs['deploy-prd'].needs).toBe('deploy-dev');
  });
});

/** The deploy role's trust policy in the synthesized stack of `env`, with the repository and provider variables given. */
function deployRoleTrust(env: EnvironmentName): string {
  const stack = new ServiceConnectPipelineStack(Testing.app(), `ev-pipeline-${env}-service-connect`, { config: ENVIRONMENTS[env] });
  const roles = Object.values<any>(JSON.parse(Testing.synth(stack)).resource.aws_iam_role);
  const trusts = roles.map((role) => String(role.assume_role_policy)).filter((policy) => policy.includes('AssumeRoleWithWebIdentity'));
  expect(trusts).toHaveLength(1);
  return trusts[0]!.replaceAll('${var.github_repository}', REPOSITORY).replaceAll('${var.github_oidc_provider_arn}', PROVIDER);
}

/** The apply role's trust policy as docs/delivery.md has it created. */
const applyRoleTrust = (env: EnvironmentName): string =>
  githubOidcTrustPolicy({
    providerArn: PROVIDER,
    repository: REPOSITORY,
    environments: [githubEnvironmentName(DeliveryPipeline.INFRASTRUCTURE, env)],
  });

/** The `sub` claim GitHub gives `job` (default subject template): its environment's, else the pull request's, else the branch's. */
function subjectOf(job: Job): string {
  if (job.spec.environment !== undefined) return `repo:${REPOSITORY}:environment:${job.spec.environment}`;
  return runsOnPullRequest(job) ? `repo:${REPOSITORY}:pull_request` : `repo:${REPOSITORY}:ref:refs/heads/main`;
}

describe('the apply role and the deploy role trust different subjects', () => {
  const roles = ENVS.flatMap((env) => [
    { name: `deploy role (${env})`, pipeline: DeliveryPipeline.APPLICATION, env, trust: deployRoleTrust(env) },
    { name: `apply role (${env})`, pipeline: DeliveryPipeline.INFRASTRUCTURE, env, trust: applyRoleTrust(env) },
  ]);
  const credentialed = allJobs().filter((job) => credentialSteps(job).length > 0);

  test('their conditions differ', () => {
    for (const env of ENVS) {
      const conditionOf = (trust: string) => JSON.parse(trust).Statement[0].Condition;
      expect(conditionOf(deployRoleTrust(env))).not.toEqual(conditionOf(applyRoleTrust(env)));
    }
  });

  test.each(credentialed.map((job) => [`${job.pipeline}.yml ${job.id}`, job] as const))(
    "%s: its token opens its own pipeline's role of its environment, no other",
    (_, job) => {
      const context = { [`${HOST}:aud`]: 'sts.amazonaws.com', [`${HOST}:sub`]: subjectOf(job) };
      const opened = roles.filter((role) => trustAdmits(role.trust, PROVIDER, context)).map((role) => role.name);
      const deployEnv = /^deploy-(\w+)$/.exec(job.id)?.[1];
      const expected =
        deployEnv === undefined ? [] : roles.filter((r) => r.pipeline === job.pipeline && r.env === deployEnv).map((r) => r.name);
      expect(opened).toEqual(expected);
    },
  );

  test("a token of the other pipeline's environment, or of a pull request, opens neither", () => {
    for (const env of ENVS) {
      const subject = (environment: string) => ({
        [`${HOST}:aud`]: 'sts.amazonaws.com',
        [`${HOST}:sub`]: `repo:${REPOSITORY}:environment:${environment}`,
      });
      expect(trustAdmits(deployRoleTrust(env), PROVIDER, subject(githubEnvironmentName(DeliveryPipeline.INFRASTRUCTURE, env)))).toBe(false);
      expect(trustAdmits(applyRoleTrust(env), PROVIDER, subject(githubEnvironmentName(DeliveryPipeline.APPLICATION, env)))).toBe(false);
      expect(trustAdmits(deployRoleTrust(env), PROVIDER, subject(env))).toBe(false);
      const pullRequest = { [`${HOST}:aud`]: 'sts.amazonaws.com', [`${HOST}:sub`]: `repo:${REPOSITORY}:pull_request` };
      expect(trustAdmits(deployRoleTrust(env), PROVIDER, pullRequest)).toBe(false);
      expect(trustAdmits(applyRoleTrust(env), PROVIDER, pullRequest)).toBe(false);
    }
  });

  test('docs/delivery.md tells to create the apply role with exactly this trust', () => {
    const docs = readFileSync(join(ROOT, 'docs/delivery.md'), 'utf8');
    for (const env of ENVS)
      expect(docs).toContain(`repo:<owner>/<repo>:environment:${githubEnvironmentName(DeliveryPipeline.INFRASTRUCTURE, env)}`);
  });
});
