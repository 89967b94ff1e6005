import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { envSchema, parseEnv } from '../../src/config/env';
import { settingsSchema } from '../../src/config/settings';
import { categoriesFileSchema, categorySchema } from '../../src/policy/categories';

/**
 * docs/configuration.md is the reference an operator reads; it is checked against the schemas so it
 * cannot drift: every variable and setting documented, none invented, every default as the code has it.
 */
const ROOT = path.resolve(__dirname, '../..');
const doc = readFileSync(path.join(ROOT, 'docs/configuration.md'), 'utf8');

/** The rows of the markdown table that follows `heading`: [first cell, second cell]. */
function tableAfter(heading: string): [string, string][] {
  const start = doc.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/configuration.md has no "## ${heading}" section`);
  const next = doc.indexOf('\n## ', start + 1);
  const section = doc.slice(start, next < 0 ? undefined : next);
  return section
    .split('\n')
    .filter((l) => /^\| `[^`]+` \|/.test(l))
    .map((l) => {
      const cells = l.split(' | ');
      return [cells[0]!.replace(/^\| `|`$/g, ''), cells[1]!.trim()];
    });
}

/** The first `code` span of a cell, as JSON when it parses (numbers, booleans, []), else the text. */
function documentedValue(cell: string): unknown {
  const code = /`([^`]*)`/.exec(cell)?.[1];
  if (code === undefined) return undefined;
  try {
    return JSON.parse(code);
  } catch {
    return code;
  }
}

function flatten(value: unknown, prefix = ''): Record<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.assign({}, ...Object.entries(value).map(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k)));
  }
  return { [prefix]: value };
}

describe('docs/configuration.md', () => {
  const variables = tableAfter('Environment variables');
  const defaults = parseEnv({}) as Record<string, unknown>;

  it('documents exactly the environment variables the schema parses', () => {
    expect(variables.map(([name]) => name).sort()).toEqual(Object.keys(envSchema.shape).sort());
  });

  it('gives each variable the default the schema applies', () => {
    for (const [name, cell] of variables) {
      const actual = defaults[name];
      if (/^(not set|empty)/.test(cell)) {
        expect([name, actual === undefined || (Array.isArray(actual) && actual.length === 0)]).toEqual([name, true]);
      } else {
        expect([name, actual]).toEqual([name, documentedValue(cell)]);
      }
    }
  });

  it('lists every variable in .env.example, and nothing else', () => {
    const example = readFileSync(path.join(ROOT, '.env.example'), 'utf8');
    const named = [...new Set([...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!))];
    expect(named.sort()).toEqual(Object.keys(envSchema.shape).sort());
  });

  const settings = tableAfter('Settings file');
  const shipped = flatten(parse(readFileSync(path.join(ROOT, 'config/default.yaml'), 'utf8')));

  it('documents exactly the keys of the settings file, and the shipped file passes the schema', () => {
    expect(settingsSchema.safeParse(parse(readFileSync(path.join(ROOT, 'config/default.yaml'), 'utf8'))).success).toBe(true);
    expect(settings.map(([key]) => key).sort()).toEqual(Object.keys(shipped).sort());
  });

  it('gives each setting the value config/default.yaml ships', () => {
    for (const [key, cell] of settings) expect([key, shipped[key]]).toEqual([key, documentedValue(cell)]);
  });
});

describe('docs/lifecycle.md', () => {
  const lifecycle = readFileSync(path.join(ROOT, 'docs/lifecycle.md'), 'utf8');
  const section = lifecycle.slice(lifecycle.indexOf('\n## Configuration\n'), lifecycle.indexOf('\n## How the decision reads the mode\n'));
  const rows = section
    .split('\n')
    .filter((l) => /^\| `[^`]+`/.test(l))
    .map((l) => l.split(' | ').map((c) => c.replace(/^\| /, '')));

  it('gives the categories file\'s promotion and demotion defaults as the schema applies them, and documents every key', () => {
    const parsed = categoriesFileSchema.parse({ categories: [{ id: 'a', name: 'A' }] });
    const fileKeys = rows.map(([key]) => /^`([^`]+)`$/.exec(key!)?.[1]).filter((k): k is string => Boolean(k));
    expect(fileKeys.sort()).toEqual([...Object.keys(parsed.promotion).map((k) => `promotion.${k}`), ...Object.keys(parsed.demotion).map((k) => `demotion.${k}`)].sort());
    for (const key of fileKeys) expect([key, flatten({ promotion: parsed.promotion, demotion: parsed.demotion })[key]]).toEqual([key, documentedValue(rows.find(([k]) => k === `\`${key}\``)![1]!)]);
    const category = categorySchema.parse({ id: 'a', name: 'A' });
    for (const field of ['strict', 'sensitive'] as const) {
      const row = rows.find(([k]) => k!.startsWith(`\`${field}\``));
      expect([field, documentedValue(row![1]!)]).toEqual([field, category[field]]);
    }
  });
});
