/**
 * The README section that `npm run diagram` owns: the text between two
 * HTML-comment markers, replaced as a whole.
 */
export const SECTION_START = '<!-- service-graph:start (npm run diagram writes this section from cdktf.out/; do not edit) -->';
export const SECTION_END = '<!-- service-graph:end -->';

function bounds(readme: string): { start: number; end: number } {
  const start = readme.indexOf(SECTION_START);
  const end = readme.indexOf(SECTION_END);
  if (start < 0 || end < start) {
    throw new Error(`README has no section between "${SECTION_START}" and "${SECTION_END}"`);
  }
  return { start: start + SECTION_START.length, end };
}

/** The section's content, without the markers and the surrounding blank lines. */
export function readSection(readme: string): string {
  const { start, end } = bounds(readme);
  return readme.slice(start, end).trim();
}

/** `readme` with the section's content replaced by `content`. */
export function replaceSection(readme: string, content: string): string {
  const { start, end } = bounds(readme);
  return `${readme.slice(0, start)}\n\n${content.trim()}\n\n${readme.slice(end)}`;
}
