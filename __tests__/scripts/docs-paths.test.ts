import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const TOP_FOLDERS = ['apps', 'contract', 'docs', 'modules', 'pipeline', 'scripts', 'samples', 'terraform', '__tests__', '.ci', '.github'];

/** The repository paths a doc names in backticks (those starting at a top-level folder). */
function namedPaths(doc: string): string[] {
  const text = readFileSync(join(ROOT, doc), 'utf8');
  const paths = [...text.matchAll(/`([\w.-]+\/[\w./-]*)`/g)].map((match) => match[1]);
  // Markdown links to other files, resolved from the doc's folder (anchors dropped).
  const links = [...text.matchAll(/\]\(([\w./-]+?)(?:#[\w-]*)?\)/g)].map((match) => join(doc, '..', match[1]));
  return [...new Set([...paths.filter((path) => TOP_FOLDERS.includes(path.split('/')[0])), ...links])];
}

describe.each(['docs/resilience.md', 'docs/deploy-guide.md'])('%s', (doc) => {
  test('names only files and folders that exist', () => {
    const paths = namedPaths(doc);
    expect(paths.length).toBeGreaterThan(3);
    expect(paths.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });
});
