import { threadLink } from '../domain/tenant';
import { calibrationOf, ConfidenceLevel } from '../lifecycle/calibration';
import type { CandidateRow, LatestReview, StratumRow } from './low-confidence-rows';
import { LowConfidenceReport, ReportScope, scopeHeader } from './report-view';
import { allocateSample } from './stratified-sample';

/** How many low-confidence drafts a week's sample shows. */
export const SAMPLE_SIZE = 30;
/** The week's calibration: five equal buckets of confidence, 0–0.2 … 0.8–1. */
export const CALIBRATION_BUCKETS = 5;

export const stratumKey = (s: { category: string; decision: string }) => `${s.category}\u0000${s.decision}`;

/** The seed of a week's sample: the same week and tenant always draw the same drafts. */
export function sampleSeed(scope: ReportScope): string {
  return `${scope.week}/${scope.tenant ?? '*'}`;
}

/** The sample's quotas per stratum. Pure. */
export function sampleQuotas(strata: readonly StratumRow[], size = SAMPLE_SIZE): Map<string, number> {
  return allocateSample(
    strata.map((s) => ({ key: stratumKey(s), size: s.drafts })),
    size,
  );
}

/** The low-confidence report from the strata, the candidates in seeded order, their latest reviews and the week's reviews by confidence. Pure. */
export function lowConfidenceReport(
  scope: ReportScope,
  input: { threshold: number; strata: readonly StratumRow[]; candidates: readonly CandidateRow[]; reviews: ReadonlyMap<string, LatestReview>; calibration: readonly ConfidenceLevel[]; size?: number },
): LowConfidenceReport {
  const size = input.size ?? SAMPLE_SIZE;
  const quotas = sampleQuotas(input.strata, size);
  const picked = input.candidates.filter((c) => c.rank <= (quotas.get(stratumKey(c)) ?? 0));
  return {
    report: 'low-confidence',
    ...scopeHeader(scope),
    threshold: input.threshold,
    below_threshold: input.strata.reduce((n, s) => n + s.drafts, 0),
    sample_size: picked.length,
    seed: sampleSeed(scope),
    strata: input.strata.map((s) => ({ ...s, sampled: quotas.get(stratumKey(s)) ?? 0 })),
    sample: picked
      .sort((a, b) => a.confidence - b.confidence || a.draft_id.localeCompare(b.draft_id))
      .map((c) => {
        const review = input.reviews.get(c.draft_id);
        return {
          tenant: c.tenant,
          thread_id: c.thread_id,
          draft_id: c.draft_id,
          url: threadLink(c.tenant, c.thread_id) ?? null,
          created_at: c.created_at.toISOString(),
          category: c.category,
          decision: c.decision,
          confidence: Math.round(c.confidence * 10_000) / 10_000,
          reasons: c.reasons,
          question: c.question,
          draft: c.draft,
          outcome: review ? { action: review.action, reason: review.reason, at: review.created_at.toISOString() } : { action: 'no review', reason: null, at: null },
        };
      }),
    calibration: calibrationOf(input.calibration, CALIBRATION_BUCKETS),
  };
}
