import { readFileSync } from 'node:fs';
import { draftReply, DraftResult } from '../drafting/draft-reply';
import type { CategoriesFile } from '../policy/categories';
import type { EscalationRules } from '../policy/escalation-rules';
import { KnowledgeIndex } from '../knowledge/knowledge-index';
import type { Article } from '../knowledge/article';
import type { DraftModel } from '../model/model-port';
import { canaryOf } from '../model/create-model';
import { caseToThread, EvalCase, parseCases } from './eval-cases';
import { EvalScores, scoreEval } from './eval-score';

export interface EvalRun {
  cases: EvalCase[];
  results: Map<string, DraftResult>;
  scores: EvalScores;
  /** one JSON line per case, as `npm run eval` writes them */
  lines: string[];
}

/** Runs every case of a file through the production drafting pipeline (shadow mode, no store) and scores it. */
export async function runEval(input: { casesFile: string; articles: Article[]; categories: CategoriesFile; rules: EscalationRules; model: (index: KnowledgeIndex) => DraftModel }): Promise<EvalRun> {
  const cases = parseCases(readFileSync(input.casesFile, 'utf8'), input.casesFile);
  const index = new KnowledgeIndex();
  index.upsert(input.articles);
  const model = input.model(index);
  const results = new Map<string, DraftResult>();
  const lines: string[] = [];
  for (const c of cases) {
    const canary = canaryOf(model);
    const r = await draftReply({ index, model, categories: input.categories, rules: input.rules, ...(canary ? { canary } : {}) }, caseToThread(c));
    if (!r) throw new Error(`case ${c.id}: the last message must be the customer's`);
    results.set(c.id, r);
    lines.push(
      JSON.stringify({ id: c.id, decision: r.decision, category: r.category, intent: r.intent, confidence: r.confidence, sentiment: r.sentiment, escalation_reasons: r.escalation_reasons, sources: r.sources, draft: r.draft, brief: r.brief }),
    );
  }
  return { cases, results, scores: scoreEval(cases, results), lines };
}

const pct = (x: number | null) => (x === null ? '  -  ' : `${(x * 100).toFixed(0).padStart(3)}%`);

/** The report `npm run eval` prints: accuracy (strict and decision-only), reasons, reliability, misses. */
export function formatReport(s: EvalScores, modelName: string): string {
  return [
    '',
    `eval: ${s.scored} scored of ${s.cases} cases, model ${modelName}`,
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
  ].join('\n');
}

/** One line of the all-sets summary. */
export function formatSummaryLine(name: string, s: EvalScores): string {
  const weak = Object.entries(s.reasons)
    .filter(([, v]) => v.expected > 0 && (v.recall ?? 0) < 0.8)
    .map(([r, v]) => `${r} ${pct(v.recall).trim()}`);
  return `${name.padEnd(16)} ${String(s.scored).padStart(5)}  ${pct(s.decisionAccuracy)}   ${pct(s.looseAccuracy)}   ${pct(s.categoryAccuracy)}   ${String(s.unsafeAutopilots.length).padStart(6)}   ${weak.length ? weak.join(', ') : 'none'}`;
}

export const SUMMARY_HEADER = `set              cases  strict  loose  category  unsafe   reasons recalled below 80%`;
