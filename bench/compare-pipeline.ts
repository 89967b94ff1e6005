/**
 * `npm run bench:pipeline:compare -- --baseline REF [--articles N] [--drafts N]`: runs
 * bench/pipeline.ts on a git ref (a temporary worktree sharing this checkout's node_modules) and then
 * on the working tree, in one command on the same machine (the baseline installs its own dependencies
 * when its lockfile differs), and prints the current figures as ratios
 * of the baseline's. Use it to show what a change costs per draft.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const argv = process.argv.slice(2);
const at = argv.indexOf('--baseline');
const baseline = at >= 0 ? argv[at + 1] : undefined;
if (!baseline) {
  process.stderr.write('usage: npm run bench:pipeline:compare -- --baseline <git ref> [--articles N] [--drafts N]\n');
  process.exit(2);
}
const passOn = argv.filter((_, i) => i !== at && i !== at + 1);

interface Figures {
  cpuP50: number;
  cpuP99: number;
  retrievalP50: number;
  draftsPerSecond: number;
  text: string;
}

function run(dir: string): Figures {
  const text = execFileSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'bench/pipeline.ts', ...passOn], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const num = (re: RegExp) => {
    const m = re.exec(text);
    if (!m) throw new Error(`bench output without ${re}:\n${text}`);
    return Number(m[1]);
  };
  return {
    cpuP50: num(/CPU per draft p50 ([\d.]+) ms/),
    cpuP99: num(/CPU per draft p50 [\d.]+ ms, p99 ([\d.]+) ms/),
    retrievalP50: num(/retrieval \(top 5 of \d+\): p50 ([\d.]+) ms/),
    draftsPerSecond: num(/= (\d+) drafts\/s/),
    text,
  };
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'draftpilot-bench-'));
const worktree = path.join(tmp, 'baseline');
try {
  execFileSync('git', ['worktree', 'add', '--detach', worktree, baseline], { cwd: ROOT, stdio: 'ignore' });
  // The baseline gets its own dependencies when its lockfile differs (a library added or removed since).
  const lock = (dir: string) => readFileSync(path.join(dir, 'package-lock.json'), 'utf8');
  if (lock(worktree) === lock(ROOT)) symlinkSync(path.join(ROOT, 'node_modules'), path.join(worktree, 'node_modules'));
  else execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: worktree, stdio: 'ignore' });
  const base = run(worktree);
  const current = run(ROOT);
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  process.stdout.write(
    [
      `baseline ${baseline}:`,
      base.text.trim(),
      'current working tree:',
      current.text.trim(),
      `current / baseline: CPU per draft p50 ${ratio(current.cpuP50, base.cpuP50)}, p99 ${ratio(current.cpuP99, base.cpuP99)}; retrieval p50 ${ratio(current.retrievalP50, base.retrievalP50)}; drafts/s ${ratio(current.draftsPerSecond, base.draftsPerSecond)}`,
      '',
    ].join('\n'),
  );
} finally {
  execFileSync('git', ['worktree', 'remove', '--force', worktree], { cwd: ROOT, stdio: 'ignore' });
  rmSync(tmp, { recursive: true, force: true });
}
