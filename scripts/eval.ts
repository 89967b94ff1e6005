/**
 * `npm run eval -- --cases FILE [--knowledge DIR] [--categories FILE] [--escalation FILE]
 *                  [--model offline|openai] [--out FILE]`
 * Runs each case through the production drafting pipeline in shadow mode (no helpdesk), writes one
 * JSON line per case and, where cases carry `expected`, prints the scores.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadCategories, loadEscalation } from '../src/config/rule-files';
import { formatReport, runEval } from '../src/eval/run-eval';
import { loadMarkdownArticles } from '../src/knowledge/markdown-source';
import { parseEnv } from '../src/config/env';
import { modelSettingsOf, ModelSettings } from '../src/config/model-settings';
import { createModel } from '../src/model/create-model';

const ROOT = path.resolve(__dirname, '..');

function args(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}"`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${a} needs a value`);
    out[a.slice(2)] = value;
    i++;
  }
  return out;
}

async function main(): Promise<void> {
  const a = args(process.argv.slice(2));
  if (!a.cases) throw new Error('--cases FILE is required (JSONL, one case per line; see docs/evaluation.md)');
  const categories = loadCategories(a.categories ?? path.join(ROOT, 'config/categories.yaml'));
  const rules = loadEscalation(a.escalation ?? path.join(ROOT, 'config/escalation.yaml'));
  // --model openai reads OPENAI_* through the one environment parser; the offline model needs nothing.
  const name = a.model ?? 'offline';
  if (name !== 'offline' && name !== 'openai') throw new Error(`--model ${name}: use offline or openai`);
  const settings: ModelSettings = name === 'openai' ? { ...modelSettingsOf(parseEnv(process.env)), name } : { name };
  const run = await runEval({
    casesFile: a.cases,
    articles: loadMarkdownArticles(a.knowledge ?? path.join(ROOT, 'config/knowledge')),
    categories,
    rules,
    model: (index) => createModel(settings, { rules, index }),
  });
  if (a.out) writeFileSync(a.out, `${run.lines.join('\n')}\n`);
  else process.stdout.write(`${run.lines.join('\n')}\n`);
  if (run.scores.scored === 0) return;
  process.stderr.write(`${formatReport(run.scores, name)}\n`);
}

main().catch((err) => {
  process.stderr.write(`eval failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
