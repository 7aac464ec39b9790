/**
 * The Markdown of the service graphs of every stack in a CDKTF output
 * directory (as manifest.json lists them): per stack a heading and a
 * ```mermaid block.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mermaidFlowchart } from './mermaid';
import { serviceGraph } from './service-graph';

interface Manifest {
  readonly stacks: Record<string, { readonly name: string; readonly synthesizedStackPath: string }>;
}

/** Markdown with one diagram per stack of `outdir`, in the manifest's order. */
export function stackDiagrams(outdir: string): string {
  const manifest: Manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  const stacks = Object.values(manifest.stacks);
  if (stacks.length === 0) throw new Error(`${outdir}/manifest.json lists no stack`);
  return stacks
    .map((stack) => {
      const json = JSON.parse(readFileSync(join(outdir, stack.synthesizedStackPath), 'utf8'));
      return `#### Stack \`${stack.name}\`\n\n\`\`\`mermaid\n${mermaidFlowchart(serviceGraph(json))}\n\`\`\``;
    })
    .join('\n\n');
}
