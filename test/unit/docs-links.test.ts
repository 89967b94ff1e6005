import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The README and docs/ name commands, files and sections; each must exist, so a rename or a removed
 * script shows up here instead of in a newcomer's terminal.
 */
const ROOT = path.resolve(__dirname, '../..');
const pages = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const text = (page: string) => readFileSync(path.join(ROOT, page), 'utf8');
const scripts = Object.keys((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as dashes. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const m of markdown.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,6} (.+)$/gm)) {
    out.add(m[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-'));
  }
  return out;
}

describe('README and docs', () => {
  it('have a page for each topic the README links to, and the README stays short', () => {
    expect(pages.length).toBeGreaterThan(5);
    expect(text('README.md').split('\n').length).toBeLessThanOrEqual(300);
  });

  it.each(pages)('%s: every `npm run X` names a script in package.json', (page) => {
    const named = [...text(page).matchAll(/npm run (?:-s )?([a-z][\w:-]*)/g)].map((m) => m[1]!);
    expect(named.filter((s) => !scripts.includes(s))).toEqual([]);
  });

  it.each(pages)('%s: every relative link points at a file that exists, and at a heading that exists', (page) => {
    const broken: string[] = [];
    for (const m of text(page).matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/i.test(target)) continue;
      const [file, anchor] = target.split('#');
      const resolved = file ? path.resolve(ROOT, path.dirname(page), file) : path.join(ROOT, page);
      if (!existsSync(resolved)) broken.push(`${target} (no such file)`);
      else if (anchor && resolved.endsWith('.md') && !anchors(readFileSync(resolved, 'utf8')).has(anchor)) broken.push(`${target} (no such heading)`);
    }
    expect(broken).toEqual([]);
  });

  it.each(pages)('%s: every repository path in `code` exists', (page) => {
    const missing: string[] = [];
    for (const m of text(page).matchAll(/`((?:src|test|config|scripts|bench|webhooks|docs|\.ci)\/[\w./-]*)`/g)) {
      const p = m[1]!.replace(/[.,:]$/, '');
      if (!existsSync(path.join(ROOT, p))) missing.push(p);
    }
    expect(missing).toEqual([]);
  });

  it.each(pages)('%s: cites no document outside the repository', (page) => {
    expect(text(page)).not.toMatch(/DESIGN \d|PROVIDERS\.md|\.\.\/shared\/|\bIssue \d+/);
  });
});
