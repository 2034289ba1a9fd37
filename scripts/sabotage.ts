/**
 * `npm run test:sabotage [-- NN ...]`: shows that the tests can fail. Each committed patch in
 * test/sabotage/ removes one behaviour the README promises; its header names the test that
 * should catch it:
 *
 *   Sabotage: what the patch removes
 *   Caught-by: test/e2e/some.test.ts
 *   Test-name: a pattern for jest -t (optional: only the tests that should fail)
 *
 * For each patch (or those whose file names start with the arguments), in one scratch copy of
 * this tree (a detached git worktree of the working tree's state, node_modules hard-linked):
 * apply it, run that jest file, and reset. A patch is caught when the test fails; the command
 * fails if any patch survives, does not apply, or names no test. Not part of `npm test`: it runs
 * a test file per patch (about five minutes in all on SQLite).
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const dir = path.join(root, 'test', 'sabotage');

function run(cmd: string, args: string[], options: SpawnSyncOptions = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...options });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
function must(cmd: string, args: string[], options: SpawnSyncOptions = {}) {
  const r = run(cmd, args, options);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.out}`);
  return r.out.trim();
}

interface Sabotage {
  file: string;
  what: string;
  test: string;
  name?: string;
}

function readPatch(file: string): Sabotage {
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  const header = text.slice(0, text.indexOf('diff --git'));
  const field = (name: string) => header.match(new RegExp(`^${name}:\\s*(.+)$`, 'm'))?.[1].trim();
  const test = field('Caught-by');
  if (!test) throw new Error(`${file}: no "Caught-by:" line naming the test that should catch it`);
  return { file, what: field('Sabotage') ?? '', test, name: field('Test-name') };
}

function main() {
  const only = process.argv.slice(2);
  const patches = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.patch') && (only.length === 0 || only.some((o) => f.startsWith(o))))
    .sort()
    .map(readPatch);
  if (patches.length === 0) throw new Error(`no patches in ${dir}${only.length ? ` starting with ${only.join(', ')}` : ''}`);

  // The working tree's state (uncommitted changes to tracked files included) as a commit.
  const state = must('git', ['stash', 'create'], { cwd: root }) || must('git', ['rev-parse', 'HEAD'], { cwd: root });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'p06-sabotage-'));
  must('git', ['worktree', 'add', '--detach', scratch, state], { cwd: root });
  const results: { file: string; test: string; outcome: 'caught' | 'SURVIVED' | 'DOES NOT APPLY' | 'NO TEST FAILED'; seconds: number }[] = [];
  try {
    must('cp', ['-al', path.join(root, 'node_modules'), path.join(scratch, 'node_modules')]);
    for (const p of patches) {
      const started = Date.now();
      process.stdout.write(`${p.file}: ${p.what}\n  running ${p.test}${p.name ? ` -t "${p.name}"` : ''} ... `);
      const applied = run('git', ['apply', path.join(dir, p.file)], { cwd: scratch });
      let outcome: (typeof results)[number]['outcome'];
      if (applied.status !== 0) {
        outcome = 'DOES NOT APPLY';
        process.stdout.write(`\n${applied.out}`);
      } else {
        const args = ['jest', '--ci', '--silent', p.test, ...(p.name ? ['-t', p.name] : [])];
        const jest = run(path.join(scratch, 'node_modules', '.bin', 'jest'), args.slice(1), { cwd: scratch, env: process.env, maxBuffer: 64 * 2 ** 20 });
        // Caught only when a test failed: a suite that did not run (no test matched, a crash on load) proves nothing.
        outcome = jest.status === 0 ? 'SURVIVED' : /^Tests:.*\d+ failed/m.test(jest.out) ? 'caught' : 'NO TEST FAILED';
        // The failing tests' names (jest prints "● suite › test" for each), or the end of the output when none failed.
        const failed = [...new Set([...jest.out.matchAll(/^\s+● (.+)$/gm)].map((m) => m[1]))];
        if (failed.length) process.stdout.write(`\n    failing: ${failed.slice(0, 3).join('; ')}${failed.length > 3 ? ` (and ${failed.length - 3} more)` : ''}\n  `);
        else if (outcome !== 'SURVIVED') process.stdout.write(`\n${jest.out.split('\n').slice(-30).join('\n')}\n`);
      }
      must('git', ['checkout', '--', '.'], { cwd: scratch });
      must('git', ['clean', '-fdq', '-e', 'node_modules'], { cwd: scratch });
      const seconds = Math.round((Date.now() - started) / 1000);
      results.push({ file: p.file, test: p.test, outcome, seconds });
      process.stdout.write(`${outcome} (${seconds} s)\n`);
    }
  } finally {
    run('git', ['worktree', 'remove', '--force', scratch], { cwd: root });
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const bad = results.filter((r) => r.outcome !== 'caught');
  process.stdout.write(`\n${results.length - bad.length} of ${results.length} sabotage patches caught${bad.length ? `; not caught: ${bad.map((b) => `${b.file} (${b.outcome})`).join(', ')}` : ''}\n`);
  process.exitCode = bad.length ? 1 : 0;
}

main();
