import { renderJsonDocument } from '../core/json-document';

/** The issuer host of GitHub.com's OIDC tokens: the prefix of its condition keys. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/** The audience aws-actions/configure-aws-credentials asks GitHub to put in the token. */
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';

export interface GithubOidcTrustProps {
  /** ARN of the account's IAM OIDC identity provider for GitHub Actions. */
  readonly providerArn: string;
  /** `owner/name` (or `owner@<org id>/name@<repository id>`) as the `sub` claim names the repository. */
  readonly repository: string;
  /** GitHub environments whose jobs may assume the role. */
  readonly environments: readonly string[];
  /** Issuer host of the tokens. @default GITHUB_OIDC_HOST */
  readonly host?: string;
}

/** The `sub` claim of a job of `repository` that runs in GitHub environment `environment`. */
export function githubEnvironmentSubject(repository: string, environment: string): string {
  return `repo:${repository}:environment:${environment}`;
}

/**
 * The trust policy of a role that GitHub Actions jobs assume through OIDC:
 * the token's audience must be STS and its `sub` exactly the subject of a
 * job in one of `environments` (no wildcard). A job gets such a subject only
 * by naming the environment, so only after the environment's protection
 * rules (required reviewers, deployment branches) let it run; pull-request
 * jobs (`repo:<repository>:pull_request`) and jobs of other environments do
 * not match. Give each pipeline environments of its own, so that the
 * subject of one pipeline's jobs never opens another pipeline's role.
 */
export function githubOidcTrustPolicy(props: GithubOidcTrustProps): string {
  const host = props.host ?? GITHUB_OIDC_HOST;
  return renderJsonDocument({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'GitHubActionsEnvironments',
        Effect: 'Allow',
        Principal: { Federated: props.providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${host}:aud`]: GITHUB_OIDC_AUDIENCE,
            [`${host}:sub`]: props.environments.map((environment) => githubEnvironmentSubject(props.repository, environment)),
          },
        },
      },
    ],
  });
}
