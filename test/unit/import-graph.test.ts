import { cycles, edgesWithin, folderGraph, folderOf } from '../../scripts/import-graph';

describe('import graph checks (npm run lint)', () => {
  it('finds no cycle in a layered graph', () => {
    expect(cycles({ 'a.ts': ['b.ts'], 'b.ts': ['c.ts'], 'c.ts': [] })).toEqual([]);
  });

  it('finds a two-file cycle and a longer one, each once', () => {
    const found = cycles({ 'a.ts': ['b.ts'], 'b.ts': ['a.ts'], 'c.ts': ['d.ts'], 'd.ts': ['e.ts'], 'e.ts': ['c.ts'], 'f.ts': ['a.ts'] });
    expect(found).toEqual(expect.arrayContaining([['a.ts', 'b.ts'], ['c.ts', 'd.ts', 'e.ts']]));
    expect(found).toHaveLength(2);
  });

  it('counts a file importing itself as a cycle', () => {
    expect(cycles({ 'a.ts': ['a.ts'] })).toEqual([['a.ts']]);
  });

  it('lifts file imports to folders: a cycle between folders with none between files', () => {
    const files = { 'policy/decide.ts': ['drafting/types.ts'], 'drafting/draft.ts': ['policy/decide.ts'], 'drafting/types.ts': [] };
    expect(cycles(files)).toEqual([]);
    const folders = folderGraph(files);
    expect(folders).toEqual({ policy: ['drafting'], drafting: ['policy'] });
    expect(cycles(folders)).toEqual([['drafting', 'policy']]);
    expect(edgesWithin(files, ['drafting', 'policy'])).toEqual(['drafting/draft.ts -> policy/decide.ts', 'policy/decide.ts -> drafting/types.ts']);
  });

  it('treats root files as their own node and ignores imports from outside the root', () => {
    expect(folderOf('main.ts')).toBe('main.ts');
    expect(folderOf('edge/zendesk/route.ts')).toBe('edge');
    expect(folderGraph({ 'setup/zendesk-setup.ts': ['../webhooks/zendesk/setup/trigger-body.json'] })).toEqual({ setup: [] });
  });
});
