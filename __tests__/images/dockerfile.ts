/**
 * A Dockerfile read as Docker reads it (comments, line continuations, stages,
 * ARG/ENV expansion, exec and shell forms), and a stage's file tree laid out
 * in a directory as `docker build` would lay it out in the image: WORKDIR,
 * COPY from the build context (less what `.dockerignore` excludes) or from an
 * earlier stage, and RUN as a shell command in the stage's working directory.
 * No container engine runs here; this is how the images are proven.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, posix, relative } from 'node:path';

/** One instruction: its keyword (upper case), its arguments as written (continuations joined) and its line. */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}

/** One `FROM` and the instructions up to the next one. */
export interface Stage {
  readonly index: number;
  /** The `AS` name, if any. */
  readonly name: string | undefined;
  /** The base image as written (before expansion). */
  readonly from: string;
  readonly instructions: readonly Instruction[];
}

/** A parsed Dockerfile: the global ARGs (before the first FROM) and the stages. */
export interface Dockerfile {
  readonly globalArgs: readonly Instruction[];
  readonly stages: readonly Stage[];
}

/** Splits Dockerfile text into instructions: comments dropped, `\` continuations joined. */
export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  let pending: { parts: string[]; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && pending === undefined)) return;
    const continues = trimmed.endsWith('\\');
    const part = continues ? trimmed.slice(0, -1).trim() : trimmed;
    pending = pending ?? { parts: [], line: index + 1 };
    if (part !== '') pending.parts.push(part);
    if (continues) return;
    const joined = pending.parts.join(' ');
    const match = /^(\S+)\s*(.*)$/s.exec(joined);
    if (match) instructions.push({ keyword: match[1].toUpperCase(), args: match[2], line: pending.line });
    pending = undefined;
  });
  const globalArgs: Instruction[] = [];
  const stages: { index: number; name: string | undefined; from: string; instructions: Instruction[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [from, as, name] = instruction.args.split(/\s+/);
      stages.push({ index: stages.length, name: as?.toUpperCase() === 'AS' ? name : undefined, from, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') throw new Error(`line ${instruction.line}: ${instruction.keyword} before the first FROM`);
      globalArgs.push(instruction);
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

/** `${NAME}` and `$NAME` replaced by their values (unknown names by ''), as Docker expands ARG and ENV. */
export function expand(value: string, vars: Readonly<Record<string, string>>): string {
  return value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced: string | undefined, bare: string | undefined) => vars[braced ?? bare!] ?? '');
}

/** `NAME=value NAME2="value 2"` (or the legacy `NAME value`) as pairs. */
export function parseKeyValues(args: string): Array<[string, string]> {
  if (!/^\w+=/.test(args)) {
    const [name, ...rest] = args.split(/\s+/);
    return [[name, rest.join(' ')]];
  }
  const pairs: Array<[string, string]> = [];
  for (const match of args.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    pairs.push([match[1], match[2].startsWith('"') ? (JSON.parse(match[2]) as string) : match[2]]);
  }
  return pairs;
}

/** The exec form of CMD, ENTRYPOINT or HEALTHCHECK CMD; throws on the shell form. */
export function execForm(args: string, what: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) throw new Error(`${what} is not in exec form: ${args}`);
  return parsed as string[];
}

/** The global ARG defaults, overridden by the build arguments given. */
export function globalArgValues(dockerfile: Dockerfile, buildArgs: Readonly<Record<string, string>>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const { args } of dockerfile.globalArgs) {
    const [name, value] = args.split('=', 2);
    values[name] = buildArgs[name] ?? value ?? '';
  }
  return values;
}

/** The names a stage's instructions expand (`$NAME`, `${NAME}`). */
export function referencedNames(stage: Stage): Set<string> {
  return new Set(stage.instructions.flatMap(({ args }) => [...args.matchAll(/\$\{(\w+)\}|\$(\w+)/g)].map((m) => m[1] ?? m[2])));
}

/** What the image of a stage runs with: its configuration as the final stage leaves it. */
export interface ImageConfig {
  readonly env: Readonly<Record<string, string>>;
  readonly workdir: string;
  readonly user: string | undefined;
  readonly cmd: readonly string[] | undefined;
  readonly entrypoint: readonly string[] | undefined;
  readonly healthcheck: readonly string[] | undefined;
  readonly exposed: readonly string[];
}

/** A stage laid out: the directory standing for the image's `/`, and its configuration. */
export interface BuiltStage {
  readonly root: string;
  readonly config: ImageConfig;
}

/** How to lay out a stage. */
export interface LayoutOptions {
  /** The build context (the repository root). */
  readonly context: string;
  /** Build arguments (`--build-arg`). */
  readonly buildArgs: Readonly<Record<string, string>>;
  /** Stages built already, by name or index. */
  readonly stages: ReadonlyMap<string, BuiltStage>;
  /** Environment of RUN commands besides the stage's ARG and ENV values (PATH with the Node to use, HOME). */
  readonly runEnv: Readonly<Record<string, string>>;
  /** Runs a RUN command in its own way and returns true, or returns false to run it as `sh -c`. */
  readonly runInstead?: (command: string, cwd: string) => boolean;
}

/** Lays out `stage` of `dockerfile` in a new temporary directory. */
export function layOutStage(dockerfile: Dockerfile, stage: Stage, options: LayoutOptions): BuiltStage {
  const root = mkdtempSync(join(tmpdir(), `image-${stage.name ?? stage.index}-`));
  const global = globalArgValues(dockerfile, options.buildArgs);
  const args: Record<string, string> = {};
  const env: Record<string, string> = {};
  let workdir = '/';
  let user: string | undefined;
  let cmd: string[] | undefined;
  let entrypoint: string[] | undefined;
  let healthcheck: string[] | undefined;
  const exposed: string[] = [];
  const vars = (): Record<string, string> => ({ ...global, ...args, ...env });
  const inImage = (path: string): string => join(root, posix.resolve(workdir, path));

  for (const { keyword, args: raw, line } of stage.instructions) {
    const where = `${stage.name ?? stage.index}:${line} ${keyword}`;
    if (keyword === 'ARG') {
      const [name, value] = raw.split('=', 2);
      args[name] = options.buildArgs[name] ?? (value === undefined ? '' : expand(value, vars()));
    } else if (keyword === 'ENV') {
      for (const [name, value] of parseKeyValues(raw)) env[name] = expand(value, vars());
    } else if (keyword === 'WORKDIR') {
      workdir = posix.resolve(workdir, expand(raw, vars()));
      mkdirSync(join(root, workdir), { recursive: true });
    } else if (keyword === 'COPY') {
      const words = expand(raw, vars()).split(/\s+/);
      const from = words.find((word) => word.startsWith('--from='))?.slice('--from='.length);
      const [dest, ...sources] = words.filter((word) => !word.startsWith('--')).reverse();
      const source = from === undefined ? undefined : options.stages.get(from);
      if (from !== undefined && source === undefined) throw new Error(`${where}: stage ${from} is not built`);
      for (const src of sources.reverse()) {
        const origin = source === undefined ? join(options.context, src) : join(source.root, src);
        if (source === undefined) assertInContext(options.context, src, where);
        if (!existsSync(origin)) throw new Error(`${where}: ${src} does not exist`);
        const target = dest.endsWith('/') && !statSync(origin).isDirectory() ? join(inImage(dest), basename(src)) : inImage(dest);
        if (source === undefined) copyInto(origin, target, dockerignore(options.context), options.context);
        else copyFromStage(origin, target);
      }
    } else if (keyword === 'RUN') {
      const command = expand(raw, vars());
      const cwd = join(root, workdir);
      if (options.runInstead?.(command, cwd)) continue;
      const run = spawnSync('sh', ['-c', command], { cwd, env: { ...options.runEnv, ...args, ...env }, encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`${where} failed (${run.status}): ${command}\n${run.stdout}\n${run.stderr}`);
    } else if (keyword === 'USER') {
      user = expand(raw, vars());
    } else if (keyword === 'CMD') {
      cmd = execForm(raw, where);
    } else if (keyword === 'ENTRYPOINT') {
      entrypoint = execForm(raw, where);
    } else if (keyword === 'HEALTHCHECK') {
      healthcheck = execForm(raw.replace(/^(--\S+\s+)*CMD\s+/, ''), where);
    } else if (keyword === 'EXPOSE') {
      exposed.push(...expand(raw, vars()).split(/\s+/));
    } else {
      throw new Error(`${where}: this layout does not know ${keyword}`);
    }
  }
  return { root, config: { env, workdir, user, cmd, entrypoint, healthcheck, exposed } };
}

/** A COPY source must stay inside the build context, as Docker requires. */
function assertInContext(context: string, src: string, where: string): void {
  if (relative(context, join(context, src)).startsWith('..')) throw new Error(`${where}: ${src} is outside the build context`);
}

/** A predicate of context-relative paths that `.dockerignore` excludes (patterns: `*`, `**`, `?`; no `!` exceptions). */
export function dockerignore(context: string): (path: string) => boolean {
  const file = join(context, '.dockerignore');
  const patterns = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#'))
    : [];
  if (patterns.some((pattern) => pattern.startsWith('!'))) throw new Error('.dockerignore exceptions (!) are not supported here');
  const regexes = patterns.map((pattern) => {
    let body = '';
    const text = posix.normalize(pattern.replace(/^\/+/, ''));
    for (let i = 0; i < text.length; i += 1) {
      if (text.startsWith('**/', i)) {
        body += '(?:.*/)?';
        i += 2;
      } else if (text.startsWith('**', i)) {
        body += '.*';
        i += 1;
      } else if (text[i] === '*') body += '[^/]*';
      else if (text[i] === '?') body += '[^/]';
      else body += text[i].replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    // A pattern that names a directory excludes everything under it.
    return new RegExp(`^${body}(?:/.*)?$`);
  });
  return (path) => regexes.some((regex) => regex.test(path));
}

/** Copies `origin` (a file, or a directory's contents) to `target`, skipping what `ignored` says (paths relative to `base`). */
function copyInto(origin: string, target: string, ignored: (path: string) => boolean, base: string): void {
  if (!statSync(origin).isDirectory()) {
    mkdirSync(join(target, '..'), { recursive: true });
    cpSync(origin, target);
    return;
  }
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(origin)) {
    const path = join(origin, entry);
    if (ignored(relative(base, path).split('\\').join('/'))) continue;
    // Symbolic links are copied as links, as Docker does; everything else file by file.
    cpSync(path, join(target, entry), {
      recursive: true,
      verbatimSymlinks: true,
      filter: (from) => !ignored(relative(base, from).split('\\').join('/')),
    });
  }
}

/** Copies from an earlier stage's tree: hard links (the same bytes, without copying 80 MB of node_modules per image). */
function copyFromStage(origin: string, target: string): void {
  mkdirSync(join(target, '..'), { recursive: true });
  if (statSync(origin).isDirectory()) {
    mkdirSync(target, { recursive: true });
    execFileSync('cp', ['-al', `${origin}/.`, target]);
  } else {
    execFileSync('cp', ['-al', origin, target]);
  }
}

/** Files under `dir`, relative to it, sorted (for assertions on a laid-out tree). */
export function listTree(dir: string): string[] {
  return execFileSync('find', ['.', '-mindepth', '1', '-not', '-path', './node_modules/*'], { cwd: dir, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((path) => path.slice(2))
    .sort();
}
