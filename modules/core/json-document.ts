import type { IConstruct } from 'constructs';
import { App, Fn, Lazy, Token, Tokenization, type IResolvable, type IResolveContext } from 'cdktf';

/**
 * Renders `document` as the JSON text of a Terraform argument (a policy,
 * container definitions, a redrive policy) that both of CDKTF's outputs
 * carry: the JSON synth (`cdk.tf.json`) and the HCL export (`cdk.tf`, written
 * when `SYNTH_HCL_OUTPUT=true`, as `cdktf synth --hcl` sets it).
 *
 * In the JSON synth it is the text `JSON.stringify` writes, Terraform
 * references interpolated (`"{\"Resource\":\"${aws_sqs_queue.q.arn}\"}"`).
 * The HCL export cannot carry that text when it holds a reference (CDKTF
 * writes its quotes unescaped, which Terraform rejects) or
 * a backslash (written unescaped): there it is Terraform's `jsonencode({...})`
 * of the same document. A document whose strings hold `${` or `%{` is
 * `jsonencode({...})` in both outputs, as Terraform would read them as
 * template sequences in the JSON text. Both forms give Terraform the same
 * JSON document; `jsonencode` writes object keys in lexical order, and the
 * AWS provider's JSON arguments normalize key order either way.
 *
 * Values follow `JSON.stringify`: `undefined` properties are left out,
 * `undefined` in arrays and non-finite numbers become `null`. Object keys must
 * not contain Terraform references.
 */
export function renderJsonDocument(document: unknown): string {
  const text = JSON.stringify(document);
  const { references, templateSequences } = inspect(document);
  if (templateSequences) return jsonencode(document);
  if (!references && !text.includes('\\')) return text;
  return Lazy.stringValue({ produce: (context: IResolveContext) => (writesHcl(context.scope) ? jsonencode(document) : text) });
}

/**
 * Whether the app writes HCL: its `hclOutput`, or `SYNTH_HCL_OUTPUT` as
 * CDKTF's stack synthesizer reads it (which also takes `1`, and ignores the
 * App's `hclOutput`).
 */
function writesHcl(scope: IConstruct): boolean {
  const env = process.env.SYNTH_HCL_OUTPUT;
  return env === 'true' || env === '1' || App.of(scope).hclOutput;
}

/** Whether `value` holds CDKTF tokens (Terraform references or expressions), and literal `${` or `%{`. */
function inspect(value: unknown): { references: boolean; templateSequences: boolean } {
  const found = { references: false, templateSequences: false };
  const visit = (item: unknown): void => {
    if (typeof item === 'string') {
      const fragments = Tokenization.reverseString(item);
      if (fragments.tokens.length > 0) found.references = true;
      for (const literal of fragments.literals) if (/\$\{|%\{/.test(String(literal))) found.templateSequences = true;
    } else if (Token.isUnresolved(item)) {
      found.references = true;
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        visit(key);
        visit(child);
      }
    }
  };
  visit(value);
  return found;
}

/** Terraform's `jsonencode` of `document`. */
function jsonencode(document: unknown): string {
  return Fn.jsonencode(toExpressionArgument(document));
}

/** Terraform's `null` in a CDKTF function argument (CDKTF writes nothing for a JavaScript `null` there). */
const NULL_EXPRESSION: IResolvable = { creationStack: [], resolve: () => 'null', toString: () => 'null' };

/**
 * `value` as an argument of a CDKTF function: string literals quoted and
 * escaped for a Terraform expression (CDKTF only escapes newlines and `${`
 * in them), references left to CDKTF.
 */
function toExpressionArgument(value: unknown): unknown {
  if (typeof value === 'string') return stringArgument(value);
  if (Token.isUnresolved(value)) return value; // a number, list or map token, or an expression
  if (typeof value === 'number') return Number.isFinite(value) ? value : NULL_EXPRESSION;
  if (value === null) return NULL_EXPRESSION;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item: unknown) => (item === undefined ? NULL_EXPRESSION : toExpressionArgument(item)));
  const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined && typeof item !== 'function');
  return Object.fromEntries(entries.map(([key, item]) => [escapeTemplate(escapeLiteral(key)), toExpressionArgument(item)]));
}

/**
 * A string argument: a literal quoted (CDKTF passes a literal that starts and
 * ends with a quote through as already quoted), a string with references
 * rebuilt with its literal parts escaped.
 */
function stringArgument(value: string): string {
  if (!Token.isUnresolved(value)) return `"${escapeLiteral(value)}"`;
  const parts: string[] = [];
  const add = (part: unknown) => parts.push(typeof part === 'string' && !Token.isUnresolved(part) ? escapeLiteral(part) : String(part));
  const single: unknown = Tokenization.reverseString(value).join({
    join: (left: unknown, right: unknown) => {
      if (left !== parts) add(left);
      add(right);
      return parts;
    },
  });
  return single === parts ? parts.join('') : value;
}

/** Escapes a literal for a quoted Terraform string, except `${`, which CDKTF escapes itself. */
function escapeLiteral(literal: string): string {
  return literal.replace(/[\\"]|%\{|[^\x20-\uffff]/g, (match) => {
    switch (match) {
      case '\\':
        return '\\\\';
      case '"':
        return '\\"';
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      case '%{':
        return '%%{';
      default:
        return `\\u${match.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
}

/** Escapes `${` for a place CDKTF writes without escaping (object keys). */
function escapeTemplate(text: string): string {
  return text.replace(/\$\{/g, () => '$${');
}
