/**
 * A small evaluator of the IAM condition operators the project's policies
 * use (StringEquals, StringLike and ArnLike with IAM's `*` and `?`
 * wildcards, Bool),
 * for tests that check which OIDC tokens a role admits. Every operator of a
 * statement must hold; a key with several values holds when one matches.
 */

/** Claims of a web identity token as IAM sees them: `<host>:sub`, `<host>:aud`, …. */
export type RequestContext = Readonly<Record<string, string>>;

/** IAM's StringLike: `*` any run of characters, `?` one character, the rest literal. */
export function stringLike(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 's').test(value);
}

const OPERATORS: Readonly<Record<string, (pattern: string, value: string) => boolean>> = {
  StringEquals: (pattern, value) => pattern === value,
  StringLike: stringLike,
  // ARNs compared whole: the same wildcards as StringLike (enough for patterns that end in `*`).
  ArnLike: stringLike,
  Bool: (pattern, value) => pattern === value,
};

/** Whether a statement's `Condition` holds for `context`; an unknown operator throws (the test must learn it first). */
export function conditionsHold(condition: Record<string, Record<string, string | string[]>>, context: RequestContext): boolean {
  return Object.entries(condition).every(([operator, keys]) => {
    const matches = OPERATORS[operator];
    if (matches === undefined) throw new Error(`iam-conditions: operator ${operator} is not evaluated here`);
    return Object.entries(keys).every(([key, expected]) => {
      const value = context[key];
      return value !== undefined && (Array.isArray(expected) ? expected : [expected]).some((pattern) => matches(pattern, value));
    });
  });
}

/** Whether a trust policy (JSON) lets a web identity with `context` assume the role through provider `providerArn`. */
export function trustAdmits(trustPolicy: string, providerArn: string, context: RequestContext): boolean {
  const policy = JSON.parse(trustPolicy) as { Statement: any[] };
  return policy.Statement.some(
    (statement) =>
      statement.Effect === 'Allow' &&
      statement.Action === 'sts:AssumeRoleWithWebIdentity' &&
      statement.Principal?.Federated === providerArn &&
      conditionsHold(statement.Condition ?? {}, context),
  );
}
