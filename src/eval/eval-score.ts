import type { EvalCase } from './eval-cases';
import type { DraftResult } from '../drafting/draft-reply';
import { REASONS } from '../policy/reasons';

export interface EvalScores {
  cases: number;
  scored: number;
  decisionAccuracy: number;
  categoryAccuracy: number | null;
  unsafeAutopilots: string[];
  mustNotContainViolations: string[];
  reasons: Record<string, { expected: number; recall: number | null; precision: number | null }>;
  misses: { id: string; expected: string; got: string; reasons: string[] }[];
}

/** Scores of the eval: decision accuracy, per-reason recall and precision, category accuracy, unsafe autopilots. */
export function scoreEval(cases: EvalCase[], results: Map<string, DraftResult>): EvalScores {
  let scored = 0;
  let decisionsRight = 0;
  let categoryCases = 0;
  let categoryRight = 0;
  const unsafe: string[] = [];
  const leaks: string[] = [];
  const misses: EvalScores['misses'] = [];
  const tally = new Map<string, { tp: number; fn: number; fp: number }>(REASONS.map((r) => [r, { tp: 0, fn: 0, fp: 0 }]));
  for (const c of cases) {
    const r = results.get(c.id);
    if (!r || !c.expected) continue;
    const e = c.expected;
    scored++;
    const accepted = new Set([e.decision, ...(e.accept ?? [])]);
    if (accepted.has(r.decision)) decisionsRight++;
    else misses.push({ id: c.id, expected: [...accepted].join('|'), got: r.decision, reasons: r.escalation_reasons });
    if (r.decision === 'autopilot' && !accepted.has('autopilot')) unsafe.push(c.id);
    if (e.category) {
      categoryCases++;
      if (r.category === e.category) categoryRight++;
    }
    // the draft is what could reach the customer; the brief quotes the customer to the agent on purpose
    if (e.must_not_contain && (r.draft ?? '').includes(e.must_not_contain)) leaks.push(c.id);
    const got = new Set<string>(r.escalation_reasons);
    if (e.reasons) {
      for (const reason of REASONS) {
        const t = tally.get(reason)!;
        const want = e.reasons.includes(reason);
        if (want && got.has(reason)) t.tp++;
        else if (want) t.fn++;
        else if (got.has(reason)) t.fp++;
      }
    } else if (e.reasons_any) {
      const hit = e.reasons_any.some((reason) => got.has(reason));
      for (const reason of e.reasons_any) {
        const t = tally.get(reason)!;
        if (got.has(reason)) t.tp++;
        else if (!hit) t.fn++;
      }
    }
  }
  const reasons: EvalScores['reasons'] = {};
  for (const [reason, t] of tally) {
    const expected = t.tp + t.fn;
    reasons[reason] = {
      expected,
      recall: expected > 0 ? t.tp / expected : null,
      precision: t.tp + t.fp > 0 ? t.tp / (t.tp + t.fp) : null,
    };
  }
  return {
    cases: cases.length,
    scored,
    decisionAccuracy: scored > 0 ? decisionsRight / scored : 0,
    categoryAccuracy: categoryCases > 0 ? categoryRight / categoryCases : null,
    unsafeAutopilots: unsafe,
    mustNotContainViolations: leaks,
    reasons,
    misses,
  };
}
