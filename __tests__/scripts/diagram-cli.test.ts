import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../scripts/cli/run-cli';
import { runCli } from '../../scripts/cli/run-cli';
import { diagramCli } from '../../scripts/diagram/diagram-cli';
import { SECTION_END, SECTION_START } from '../../scripts/diagram/readme-section';

let root: string;
beforeEach(() => {
  // GIVEN a synthesis output with one stack holding one SQS queue, and a README with the markers
  root = mkdtempSync(join(tmpdir(), 'diagram-cli-'));
  mkdirSync(join(root, 'out', 'stacks', 'demo'), { recursive: true });
  writeFileSync(
    join(root, 'out', 'manifest.json'),
    JSON.stringify({ stacks: { demo: { name: 'demo', synthesizedStackPath: 'stacks/demo/cdk.tf.json' } } }),
  );
  writeFileSync(
    join(root, 'out', 'stacks', 'demo', 'cdk.tf.json'),
    JSON.stringify({ resource: { aws_sqs_queue: { Queue: { name: 'demo-queue', visibility_timeout_seconds: 30 } } } }),
  );
  writeFileSync(join(root, 'README.md'), `# Demo\n\n${SECTION_START}\n\nold drawing\n\n${SECTION_END}\n\nrest\n`);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function diagram(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (line) => out.push(line), stderr: (line) => err.push(line) };
  const code = await runCli(diagramCli(root), ['--out', 'out', ...args], io);
  return { code, out, err };
}

describe('npm run diagram', () => {
  test('writes the drawing when the section differs, and says it updated the README', async () => {
    expect(await diagram()).toEqual({ code: 0, out: ['diagram: README.md updated from out/'], err: [] });
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain('#### Stack `demo`');
    expect(readme).not.toContain('old drawing');
    expect(readme.endsWith('rest\n')).toBe(true);
  });

  test('leaves the README untouched, and says so, when it already is the drawing', async () => {
    await diagram();
    const before = statSync(join(root, 'README.md')).mtimeMs;
    const text = readFileSync(join(root, 'README.md'), 'utf8');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await diagram()).toEqual({ code: 0, out: ['diagram: README.md unchanged: it is already the diagram of out/'], err: [] });
    expect(statSync(join(root, 'README.md')).mtimeMs).toBe(before);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toBe(text);
  });

  test('--check exits 1 while the section is stale and 0 once it is current', async () => {
    const stale = await diagram('--check');
    expect(stale).toMatchObject({ code: 1, err: ['diagram: README.md is not the diagram of out/; run npm run diagram'] });
    await diagram();
    expect(await diagram('--check')).toEqual({ code: 0, out: ['diagram: README.md matches out/'], err: [] });
  });
});
