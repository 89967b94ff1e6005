/**
 * `npm run eval -- --cases FILE [--knowledge DIR] [--categories FILE] [--escalation FILE]
 *                  [--model offline|openai] [--out FILE]`
 * Runs each case through the production drafting pipeline in shadow mode (no helpdesk), writes one
 * JSON line per case and, where cases carry `expected`, prints the scores.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadCategories } from '../src/config/rule-files';
import { draftReply, DraftResult } from '../src/drafting/draft-reply';
import { loadEscalation } from '../src/config/rule-files';
import { caseToThread, parseCases } from '../src/eval/eval-cases';
import { scoreEval } from '../src/eval/eval-score';
import { KnowledgeIndex } from '../src/knowledge/knowledge-index';
import { loadMarkdownArticles } from '../src/knowledge/markdown-source';
import { parseEnv } from '../src/config/env';
import { modelSettingsOf } from '../src/config/model-settings';
import { canaryOf, createModel } from '../src/model/create-model';

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
  const cases = parseCases(readFileSync(a.cases, 'utf8'), a.cases);
  const index = new KnowledgeIndex();
  index.upsert(loadMarkdownArticles(a.knowledge ?? path.join(ROOT, 'config/knowledge')));
  const categories = loadCategories(a.categories ?? path.join(ROOT, 'config/categories.yaml'));
  const rules = loadEscalation(a.escalation ?? path.join(ROOT, 'config/escalation.yaml'));
  // --model openai reads OPENAI_* through the one environment parser; the offline model needs nothing.
  const name = a.model ?? 'offline';
  if (name !== 'offline' && name !== 'openai') throw new Error(`--model ${name}: use offline or openai`);
  const model = createModel(name === 'openai' ? { ...modelSettingsOf(parseEnv(process.env)), name } : { name }, { rules, index });

  const results = new Map<string, DraftResult>();
  const lines: string[] = [];
  for (const c of cases) {
    const canary = canaryOf(model);
    const r = await draftReply({ index, model, categories, rules, ...(canary ? { canary } : {}) }, caseToThread(c));
    if (!r) throw new Error(`case ${c.id}: the last message must be the customer's`);
    results.set(c.id, r);
    lines.push(
      JSON.stringify({ id: c.id, decision: r.decision, category: r.category, intent: r.intent, confidence: r.confidence, sentiment: r.sentiment, escalation_reasons: r.escalation_reasons, sources: r.sources, draft: r.draft, brief: r.brief }),
    );
  }
  if (a.out) writeFileSync(a.out, `${lines.join('\n')}\n`);
  else process.stdout.write(`${lines.join('\n')}\n`);

  const s = scoreEval(cases, results);
  if (s.scored === 0) return;
  const pct = (x: number | null) => (x === null ? '  -  ' : `${(x * 100).toFixed(0).padStart(3)}%`);
  const report = [
    '',
    `eval: ${s.scored} scored of ${s.cases} cases, model ${model.name}`,
    `  decision accuracy   ${pct(s.decisionAccuracy)} strict (an escalation counts only with its expected reasons); ${pct(s.looseAccuracy)} on the decision alone`,
    `  category accuracy   ${pct(s.categoryAccuracy)}`,
    `  unsafe autopilots   ${s.unsafeAutopilots.length}${s.unsafeAutopilots.length ? ` (${s.unsafeAutopilots.join(', ')})` : ''}`,
    `  must_not_contain    ${s.mustNotContainViolations.length} violations${s.mustNotContainViolations.length ? ` (${s.mustNotContainViolations.join(', ')})` : ''}`,
    '  reason               expected  recall  precision',
    ...Object.entries(s.reasons).map(([r, v]) => `  ${r.padEnd(20)} ${String(v.expected).padStart(8)}  ${pct(v.recall)}   ${pct(v.precision)}`),
    '  reliability          cases  mean confidence  strictly right',
    ...s.reliability.map((b) => `  confidence ${b.bucket}  ${String(b.cases).padStart(5)}  ${b.meanConfidence === null ? '      -' : b.meanConfidence.toFixed(2).padStart(7)}          ${pct(b.share)}`),
    ...(s.misses.length
      ? ['  decisions missed (strict):', ...s.misses.map((m) => `    ${m.id}: expected ${m.expected}${m.expectedReasons ? ` [${m.expectedReasons.join(', ')}]` : ''}, got ${m.got} [${m.reasons.join(', ')}]`)]
      : []),
  ];
  process.stderr.write(`${report.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`eval failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
