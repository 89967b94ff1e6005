import type { EvalCase } from './eval-cases';
import type { DraftResult } from '../drafting/draft-reply';
import { REASONS } from '../policy/reasons';

export interface EvalScores {
  cases: number;
  scored: number;
  /** strict: the decision is right, and an escalation fired every expected reason (and one of reasons_any) */
  decisionAccuracy: number;
  /** loose: the decision alone */
  looseAccuracy: number;
  categoryAccuracy: number | null;
  unsafeAutopilots: string[];
  mustNotContainViolations: string[];
  reasons: Record<string, { expected: number; recall: number | null; precision: number | null }>;
  misses: { id: string; expected: string; got: string; reasons: string[]; expectedReasons?: string[] }[];
  /** stated confidence against the share of strictly right decisions, in buckets of 0.2 */
  reliability: { bucket: string; cases: number; correct: number; share: number | null; meanConfidence: number | null }[];
}

/** Whether an escalation fired what the case expects: every reason in `reasons`, and one of `reasons_any`. */
function reasonsHold(e: NonNullable<EvalCase['expected']>, got: Set<string>): boolean {
  if (e.reasons && !e.reasons.every((r) => got.has(r))) return false;
  if (e.reasons_any && e.reasons_any.length > 0 && !e.reasons_any.some((r) => got.has(r))) return false;
  return true;
}

/** Scores of the eval: decision accuracy, per-reason recall and precision, category accuracy, unsafe autopilots. */
export function scoreEval(cases: EvalCase[], results: Map<string, DraftResult>): EvalScores {
  let scored = 0;
  let decisionsRight = 0;
  let looseRight = 0;
  const buckets = [0, 0.2, 0.4, 0.6, 0.8].map((lo) => ({ lo, cases: 0, correct: 0, confidence: 0 }));
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
    const got = new Set<string>(r.escalation_reasons);
    const decisionOk = accepted.has(r.decision);
    // An escalation is right only for the right reasons: the brief tells the agent why.
    const strictOk = decisionOk && (r.decision !== 'escalate' || e.decision !== 'escalate' || reasonsHold(e, got));
    if (decisionOk) looseRight++;
    if (strictOk) decisionsRight++;
    else misses.push({ id: c.id, expected: [...accepted].join('|'), got: r.decision, reasons: r.escalation_reasons, ...(e.reasons || e.reasons_any ? { expectedReasons: [...(e.reasons ?? []), ...(e.reasons_any ?? []).map((x) => `${x}?`)] } : {}) });
    const bucket = buckets[Math.min(4, Math.floor(r.confidence * 5))]!;
    bucket.cases++;
    bucket.confidence += r.confidence;
    if (strictOk) bucket.correct++;
    if (r.decision === 'autopilot' && !accepted.has('autopilot')) unsafe.push(c.id);
    if (e.category) {
      categoryCases++;
      if (r.category === e.category) categoryRight++;
    }
    // the draft is what could reach the customer; the brief quotes the customer to the agent on purpose
    if (e.must_not_contain && (r.draft ?? '').includes(e.must_not_contain)) leaks.push(c.id);
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
    looseAccuracy: scored > 0 ? looseRight / scored : 0,
    categoryAccuracy: categoryCases > 0 ? categoryRight / categoryCases : null,
    unsafeAutopilots: unsafe,
    mustNotContainViolations: leaks,
    reasons,
    misses,
    reliability: buckets.map((b) => ({
      bucket: `${b.lo.toFixed(1)}–${(b.lo + 0.2).toFixed(1)}`,
      cases: b.cases,
      correct: b.correct,
      share: b.cases > 0 ? b.correct / b.cases : null,
      meanConfidence: b.cases > 0 ? b.confidence / b.cases : null,
    })),
  };
}
