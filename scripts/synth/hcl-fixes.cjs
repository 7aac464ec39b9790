'use strict';
// What `npm run synth -- --hcl` fixes in the HCL that `cdktf synth --hcl`
// writes, so that Terraform accepts it as it accepts the JSON synth.
const { dirname } = require('node:path');

/** The HCL formatter the cdktf CLI uses: a dependency of cdktf-cli (a devDependency), resolved from there. */
function hclFormatter() {
  return require(require.resolve('@cdktf/hcl-tools', { paths: [dirname(require.resolve('cdktf-cli/package.json'))] })).format;
}

/** `hcl` (as the CLI formats it) with both fixes applied and formatted again. */
async function fixHcl(hcl) {
  const format = hclFormatter();
  return unquoteReferences(await format(blocksForSkippedAttributes(hcl)));
}

/**
 * The meta-arguments that take references, which CDKTF writes as strings:
 * `depends_on = ["aws_x.y"]` → `[aws_x.y]`, `ignore_changes = ["a"]` → `[a]`,
 * `ignore_changes = "all"` → `all`.
 */
function unquoteReferences(hcl) {
  return hcl.replace(
    /^(\s*(?:depends_on|ignore_changes|replace_triggered_by)\s*=\s*)("all"|\[[^\]]*\])/gm,
    (_, assignment, value) => assignment + value.replace(/"([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)"/g, '$1'),
  );
}

/** The comment CDKTF writes above an attribute whose provider binding it generated without a type. */
const SKIPPED_ATTRIBUTE_WARNING = /^\s*# Warning: The following attribute is of an unexpected type/;

/**
 * Nested blocks that CDKTF's provider bindings carry without a type (the
 * WAF rules' `statement`, cdktf's skipped-attributes list) come out of the
 * HCL export as object attributes (`statement = { rate_based_statement =
 * { … } }`), which Terraform rejects ("Unsupported argument", "Insufficient
 * statement blocks"). They are blocks in the provider's schema all the way
 * down: each `name = {` becomes `name {`, and a list `name = [ {…}, {…} ]`
 * becomes one `name { … }` block per item; CDKTF's warning comment goes.
 */
function blocksForSkippedAttributes(hcl) {
  const lines = hcl.split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    if (!SKIPPED_ATTRIBUTE_WARNING.test(lines[i])) {
      out.push(lines[i]);
      continue;
    }
    while (i < lines.length && /^\s*#/.test(lines[i])) i++;
    while (i < lines.length && lines[i].trim() === '') i++;
    const end = closingLine(lines, i);
    out.push(...objectsAsBlocks(lines.slice(i, end + 1)));
    i = end;
  }
  return out.join('\n');
}

/** The index of the line that closes the value opened on line `start`. */
function closingLine(lines, start) {
  let depth = 0;
  for (let i = start; i < lines.length; i++) {
    depth += (lines[i].match(/[{[]\s*$/) ? 1 : 0) - (lines[i].match(/^\s*[}\]],?\s*$/) ? 1 : 0);
    if (depth === 0) return i;
  }
  throw new Error(`hcl-fixes: no end of the value opened on line ${start + 1}`);
}

/** The lines of one attribute's object value, its objects written as blocks. */
function objectsAsBlocks(lines) {
  const out = [];
  /** What each open bracket is: a block, or a list whose items become blocks named after it. */
  const open = [];
  for (const line of lines) {
    const indent = /^\s*/.exec(line)[0];
    let match;
    if ((match = /^\s*(\w+)\s*=\s*\{\s*$/.exec(line))) {
      out.push(`${indent}${match[1]} {`);
      open.push({ kind: 'block' });
    } else if ((match = /^\s*(\w+)\s*=\s*\[\s*$/.exec(line))) {
      open.push({ kind: 'list', name: match[1], indent });
    } else if (/^\s*\{\s*$/.test(line) && open.at(-1)?.kind === 'list') {
      const list = open.at(-1);
      out.push(`${list.indent}${list.name} {`);
      open.push({ kind: 'block', indent: list.indent });
    } else if (/^\s*\},?\s*$/.test(line)) {
      const block = open.pop();
      out.push(`${block?.indent ?? indent}}`);
    } else if (/^\s*\],?\s*$/.test(line)) {
      open.pop();
    } else {
      out.push(line);
    }
  }
  return out;
}

module.exports = { blocksForSkippedAttributes, fixHcl, hclFormatter, unquoteReferences };
