import { Testing, TerraformStack } from 'cdktf';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { renderJsonDocument } from '../../../modules/core/json-document';
import { newStack, onlyResource, synthJson } from '../fixture';

/** A queue policy whose document is `document(queue ARN)`, in a fresh stack. */
function stackWithPolicy(document: (queueArn: string) => unknown): TerraformStack {
  const stack = newStack();
  const queue = new SqsQueue(stack, 'Queue', { name: 'q' });
  new SqsQueuePolicy(stack, 'Policy', { queueUrl: queue.url, policy: renderJsonDocument(document(queue.arn)) });
  return stack;
}

/** `synth` with `SYNTH_HCL_OUTPUT=true` for the stack's construction and synthesis, as `cdktf synth --hcl` runs the app. */
function withHclOutput<T>(synth: () => T): T {
  const before = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = 'true';
  try {
    return synth();
  } finally {
    if (before === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = before;
  }
}

const policyOf = (queueArn: string) => ({
  Statement: [{ Sid: 'Tls', Resource: queueArn, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
});

describe('renderJsonDocument of a document without references', () => {
  test('is the text JSON.stringify writes, in both outputs', () => {
    const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Condition: undefined }] };
    expect(renderJsonDocument(document)).toBe(JSON.stringify(document));
  });
});

describe('renderJsonDocument of a document with a Terraform reference', () => {
  test('the JSON synth writes the text JSON.stringify writes, the reference interpolated', () => {
    const policy = onlyResource(synthJson(stackWithPolicy(policyOf)), 'aws_sqs_queue_policy').policy;
    expect(policy).toBe(
      '{"Statement":[{"Sid":"Tls","Resource":"${aws_sqs_queue.Queue.arn}","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}',
    );
  });

  test('the HCL export writes jsonencode of the document, its quotes inside the expression', () => {
    const hcl = withHclOutput(() => Testing.synthHcl(stackWithPolicy(policyOf)));
    expect(hcl).toContain(
      'policy = "${jsonencode({"Statement" = [{"Sid" = "Tls", "Resource" = aws_sqs_queue.Queue.arn, "Condition" = {"Bool" = {"aws:SecureTransport" = "false"}}}]})}"',
    );
  });

  test('the HCL export escapes quotes, backslashes and control characters of literals, also next to a reference', () => {
    const hcl = withHclOutput(() =>
      Testing.synthHcl(stackWithPolicy((arn) => ({ note: 'say "hi"\\\n', mixed: `"${arn}"\t`, list: [null, undefined, 1] }))),
    );
    expect(hcl).toContain(
      'policy = "${jsonencode({"note" = "say \\"hi\\"\\\\\\n", "mixed" = "\\"${aws_sqs_queue.Queue.arn}\\"\\t", "list" = [null, null, 1]})}"',
    );
  });
});

describe('renderJsonDocument of a document with ${ or %{ in a string', () => {
  test('writes jsonencode with the sequences escaped in the JSON synth too, where the JSON text would be read as a template', () => {
    const policy = onlyResource(synthJson(stackWithPolicy(() => ({ text: 'a ${b} %{c}' }))), 'aws_sqs_queue_policy').policy;
    expect(policy).toBe('${jsonencode({"text" = "a $${b} %%{c}"})}');
  });
});
