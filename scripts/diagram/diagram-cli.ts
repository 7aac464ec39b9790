/**
 * `npm run diagram`: draws the service graph of every stack in the synthesis
 * output (`npm run diagram` synthesizes first) from its cdk.tf.json as
 * Mermaid, and writes the drawings into the README's section between the
 * service-graph markers — only when they differ from what is there.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliDefinition } from '../cli/run-cli';
import { readSection, replaceSection } from './readme-section';
import { stackDiagrams } from './stack-diagrams';

/** Usage text of `npm run diagram`. */
export const DIAGRAM_USAGE = `usage: npm run diagram [-- options]
  synthesizes, then writes the service graph of every stack into the README's service-graph section
options:
  --out <dir>       synthesis output to draw (default cdktf.out)
  --readme <file>   README to write (default README.md)
  --check           write nothing; exit 1 when the README's section is not the drawing of --out
  -h, --help        this text`;

const OPTIONS = {
  out: { type: 'string' },
  readme: { type: 'string' },
  check: { type: 'boolean' },
} as const;

/** The diagram CLI, with relative paths resolved from `root` (the repository). */
export function diagramCli(root: string): CliDefinition<typeof OPTIONS> {
  return {
    name: 'diagram',
    usage: DIAGRAM_USAGE,
    options: OPTIONS,
    run: ({ values }, io) => {
      const out = values.out ?? 'cdktf.out';
      const readmeName = values.readme ?? 'README.md';
      const readmePath = resolve(root, readmeName);
      const diagrams = stackDiagrams(resolve(root, out));
      const readme = readFileSync(readmePath, 'utf8');
      const current = readSection(readme) === diagrams.trim();
      if (values.check === true) {
        if (!current) {
          io.stderr(`diagram: ${readmeName} is not the diagram of ${out}/; run npm run diagram`);
          return 1;
        }
        io.stdout(`diagram: ${readmeName} matches ${out}/`);
      } else if (current) {
        io.stdout(`diagram: ${readmeName} unchanged: it is already the diagram of ${out}/`);
      } else {
        writeFileSync(readmePath, replaceSection(readme, diagrams));
        io.stdout(`diagram: ${readmeName} updated from ${out}/`);
      }
      return 0;
    },
  };
}
