/**
 * `npm run lint` step: no import cycle between files (madge), and none between the folders of src/,
 * which name the steps of the flow (edge, inbox, jobs, threads, drafting, policy, delivery, ...):
 * a folder cycle means a step reaches back into one that calls it. Exits 1 with the imports to move.
 */
import path from 'node:path';
import madge from 'madge';
import { cycles, edgesWithin, folderGraph, ImportGraph } from './import-graph';

async function graphOf(dir: string): Promise<{ graph: ImportGraph; skipped: string[] }> {
  const result = await madge(dir, { fileExtensions: ['ts'], tsConfig: path.resolve('tsconfig.json'), detectiveOptions: { ts: { skipTypeImports: false } } });
  return { graph: result.obj(), skipped: result.warnings().skipped };
}

async function main(): Promise<void> {
  const problems: string[] = [];
  const all = await graphOf('.');
  const unresolved = all.skipped.filter((f) => !f.endsWith('.json'));
  if (unresolved.length > 0) problems.push(`imports that could not be resolved (a cycle could hide behind them):\n  ${unresolved.join('\n  ')}`);
  for (const c of cycles(all.graph)) problems.push(`file cycle: ${c.join(' -> ')}`);

  const src = await graphOf('src');
  for (const c of cycles(folderGraph(src.graph))) {
    problems.push(`folder cycle in src/: ${c.join(' <-> ')}\n  ${edgesWithin(src.graph, c).join('\n  ')}`);
  }
  const files = Object.keys(all.graph).length;
  if (problems.length > 0) {
    process.stderr.write(`check-imports: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${files} files\n${problems.join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write(`check-imports: ${files} files, no cycles between files or between the folders of src/\n`);
}

main().catch((err) => {
  process.stderr.write(`check-imports: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
