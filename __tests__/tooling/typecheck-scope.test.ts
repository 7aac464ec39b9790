import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

describe('npm test', () => {
  const scripts: Record<string, string> = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')).scripts;

  test('type-checks, then lints, then runs Jest, each step stopping the next on failure', () => {
    expect(scripts.test).toBe('npm run typecheck && npm run lint && jest');
  });

  test('type-checks every TypeScript project of the repository', () => {
    // GIVEN every tsconfig the repository holds
    const projects = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*tsconfig*.json'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .filter((path) => path !== '');
    // THEN the typecheck script runs tsc on each of them, and fails on the first error
    const checked = [...scripts.typecheck!.matchAll(/tsc -p (\S+)/g)].map((match) => match[1]);
    expect(projects.length).toBeGreaterThanOrEqual(4);
    expect(checked.sort()).toEqual(projects.sort());
    expect(scripts.typecheck!.split(' && ').every((step) => step.startsWith('tsc -p '))).toBe(true);
  });
});
