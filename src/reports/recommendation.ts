import type { CategoryStatus } from '../lifecycle/category-status';
import { demotionCause } from '../lifecycle/state-machine';

/**
 * What the readiness report recommends for a category (docs/reports.md, readiness), from the
 * lifecycle's own status of it: the same readiness and demotion rules the lifecycle applies
 * (src/lifecycle/state-machine.ts), said as a next step for an admin. Pure.
 * - `stay sensitive`: a sensitive category is held in review whatever its evidence;
 * - `demote`: in autopilot, and its sampled reviews fail: a reject rate over `max_reject_rate`, or
 *   in a `strict` category a reject as policy_violation or wrong_information;
 * - `promote`: in review, and ready;
 * - `hold`: otherwise, with what is missing (a category in autopilot whose samples pass stays there).
 */
export const RECOMMENDATIONS = ['promote', 'hold', 'demote', 'stay sensitive'] as const;
export type Recommendation = (typeof RECOMMENDATIONS)[number];

export interface RecommendationView {
  recommendation: Recommendation;
  /** the evidence behind it, in words */
  why: string;
  /** what readiness still lacks (a category in review that is not ready); empty otherwise */
  missing: string[];
}

export type RecommendationInput = Pick<CategoryStatus, 'mode' | 'sensitive' | 'ready' | 'missing' | 'evidence' | 'autopilot_samples' | 'policy'>;

export function recommendationOf(c: RecommendationInput): RecommendationView {
  if (c.sensitive || c.mode === 'held') return { recommendation: 'stay sensitive', why: 'the category is sensitive: its drafts always wait for an agent', missing: [] };
  const p = c.policy;
  if (c.mode === 'autopilot') {
    const cause = demotionCause(c.autopilot_samples, p);
    if (cause) return { recommendation: 'demote', why: cause, missing: [] };
    const s = c.autopilot_samples;
    const why = s.reviews === 0 ? 'in autopilot; no sampled autopilot reply has been reviewed yet' : `in autopilot; ${s.rejects} of the last ${s.reviews} sampled autopilot replies rejected (${s.reject_rate} ≤ max_reject_rate ${p.max_reject_rate})`;
    return { recommendation: 'hold', why, missing: [] };
  }
  const e = c.evidence;
  if (c.ready) {
    return { recommendation: 'promote', why: `ready: ${e.clean_approvals} clean approvals (${p.min_clean_approvals} needed) and a clean rate of ${e.clean_rate} (${p.min_clean_rate} needed) over the last ${e.reviews} reviews`, missing: [] };
  }
  return { recommendation: 'hold', why: `not ready for autopilot: ${c.missing.length} requirement${c.missing.length === 1 ? '' : 's'} missing`, missing: c.missing };
}
