/**
 * `npm run diagram`: synthesizes (the npm script runs `npm run synth` first),
 * then draws the service graph of every stack in cdktf.out/ from its
 * cdk.tf.json as Mermaid and writes the diagrams into the README's section
 * between the service-graph markers.
 *
 *   tsx scripts/diagram.ts [--out cdktf.out] [--readme README.md] [--check]
 *   --check  write nothing; exit 1 when the README's section differs
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readSection, replaceSection } from './diagram/readme-section';
import { stackDiagrams } from './diagram/stack-diagrams';

const ROOT = resolve(__dirname, '..');
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'cdktf.out' },
    readme: { type: 'string', default: 'README.md' },
    check: { type: 'boolean', default: false },
  },
});
const readmePath = resolve(ROOT, values.readme!);
const diagrams = stackDiagrams(resolve(ROOT, values.out!));
const readme = readFileSync(readmePath, 'utf8');
if (values.check) {
  if (readSection(readme) !== diagrams.trim()) {
    process.stderr.write(`diagram: ${values.readme} is not the diagram of ${values.out}/; run npm run diagram\n`);
    process.exit(1);
  }
  process.stdout.write(`diagram: ${values.readme} matches ${values.out}/\n`);
} else {
  writeFileSync(readmePath, replaceSection(readme, diagrams));
  process.stdout.write(`diagram: ${values.readme} updated from ${values.out}/\n`);
}
