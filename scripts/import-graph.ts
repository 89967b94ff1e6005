/**
 * Pure checks over an import graph (file -> files it imports, paths relative to the source root),
 * as madge reports it. Used by `npm run lint` (scripts/check-imports.ts).
 */
export type ImportGraph = Record<string, string[]>;

/** Strongly connected components of more than one node, or one node importing itself (Tarjan). */
export function cycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const dep of graph[node] ?? []) {
      if (!index.has(dep)) {
        visit(dep);
        low.set(node, Math.min(low.get(node)!, low.get(dep)!));
      } else if (onStack.has(dep)) {
        low.set(node, Math.min(low.get(node)!, index.get(dep)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph[node] ?? []).includes(node)) found.push(component.sort());
    }
  };
  for (const node of Object.keys(graph).sort()) if (!index.has(node)) visit(node);
  return found;
}

/** The folder a file belongs to: its first path segment; files at the root are their own node. */
export function folderOf(file: string): string {
  const slash = file.indexOf('/');
  return slash < 0 ? file : file.slice(0, slash);
}

/** The graph between folders: an edge when any file of one imports any file of another. */
export function folderGraph(graph: ImportGraph): ImportGraph {
  const out: Record<string, Set<string>> = {};
  for (const [file, deps] of Object.entries(graph)) {
    const from = folderOf(file);
    out[from] ??= new Set();
    for (const dep of deps) {
      const to = folderOf(dep);
      if (to !== from && !dep.startsWith('..')) out[from].add(to);
    }
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
}

/** For a folder cycle, the file imports that make it up, so the message says what to move. */
export function edgesWithin(graph: ImportGraph, folders: string[]): string[] {
  const inCycle = new Set(folders);
  const lines: string[] = [];
  for (const [file, deps] of Object.entries(graph)) {
    for (const dep of deps) {
      const a = folderOf(file);
      const b = folderOf(dep);
      if (a !== b && inCycle.has(a) && inCycle.has(b)) lines.push(`${file} -> ${dep}`);
    }
  }
  return lines.sort();
}
