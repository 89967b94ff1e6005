import type { CategoriesFile } from './categories';

/**
 * Which autopilot replies and which solved conversations go to an after-the-fact review
 * (docs/sampling.md). Pure: the chance of each decision is a draw handed in (random-source.ts), the
 * counts of what was already sampled come from the store.
 *
 * Solved conversations are stratified by category and by outcome: AI-handled (an autopilot reply was
 * sent) or human-handled, and looking successful or bad (reopened, a low rating, a repeat contact).
 * Each (category, stratum) gets its first `min_per_week` solved conversations of an ISO week sampled
 * whatever the rate, so a small category, or a rare outcome in a large one, is never starved; beyond
 * that minimum each conversation is sampled with probability `solved_rate`.
 */

export type SampleKind = 'autopilot' | 'solved';

export const SOLVED_STRATA = ['ai_good', 'ai_bad', 'human_good', 'human_bad'] as const;
export type SolvedStratum = (typeof SOLVED_STRATA)[number];
export type Stratum = 'autopilot' | SolvedStratum;

/** What makes a solved conversation look bad, as far as the stored data tells. */
export const SOLVED_SIGNALS = ['reopened', 'low_rating', 'repeat_contact'] as const;
export type SolvedSignal = (typeof SOLVED_SIGNALS)[number];

/** The categories file's `sampling` block leaves these out unless a team sets them. */
export const SAMPLING_DEFAULTS = { min_per_week: 1, repeat_contact_days: 7, low_rating_max: 2 } as const;

/** A tenant's own `sampling` settings (tenant settings), over the categories file's. */
export interface TenantSampling {
  autopilot_rate?: number | undefined;
  solved_rate?: number | undefined;
}

export interface SamplingPolicy {
  autopilotRate: number;
  solvedRate: number;
  /** solved conversations sampled per (category, stratum) and ISO week whatever the rate */
  minPerWeek: number;
  /** another conversation of the same requester in the same category within this many days is a repeat contact */
  repeatContactDays: number;
  /** a satisfaction rating (1 to 5) at or below this looks bad */
  lowRatingMax: number;
}

/**
 * The sampling of one category of a tenant: the category's own `sampling` first, then the tenant's
 * settings, then the categories file's block (a tenant with categories of its own: that file's).
 */
export function samplingPolicy(file: CategoriesFile, tenant: TenantSampling | undefined, categoryId: string): SamplingPolicy {
  const own = file.categories.find((c) => c.id === categoryId)?.sampling;
  const block = file.sampling;
  return {
    autopilotRate: own?.autopilot_rate ?? tenant?.autopilot_rate ?? block.autopilot_rate,
    solvedRate: own?.solved_rate ?? tenant?.solved_rate ?? block.solved_rate,
    minPerWeek: own?.min_per_week ?? block.min_per_week ?? SAMPLING_DEFAULTS.min_per_week,
    repeatContactDays: block.repeat_contact_days ?? SAMPLING_DEFAULTS.repeat_contact_days,
    lowRatingMax: block.low_rating_max ?? SAMPLING_DEFAULTS.low_rating_max,
  };
}

/** What the store knows of a solved conversation. */
export interface SolvedFacts {
  /** a draft of the conversation was decided autopilot and delivered */
  aiHandled: boolean;
  /** solved before: this is a second (or later) solve */
  reopened: boolean;
  /** the satisfaction rating the solve event carries (1 to 5), if any */
  rating?: number | null | undefined;
  repeatContact: boolean;
}

export function solvedStratum(facts: SolvedFacts, lowRatingMax: number): { stratum: SolvedStratum; signals: SolvedSignal[] } {
  const signals: SolvedSignal[] = [];
  if (facts.reopened) signals.push('reopened');
  if (typeof facts.rating === 'number' && facts.rating <= lowRatingMax) signals.push('low_rating');
  if (facts.repeatContact) signals.push('repeat_contact');
  const look = signals.length > 0 ? 'bad' : 'good';
  return { stratum: `${facts.aiHandled ? 'ai' : 'human'}_${look}`, signals };
}

/** sampled: the item goes to review; why: the rule that decided. */
export interface SampleDecision {
  sampled: boolean;
  why: 'minimum' | 'rate' | 'not_drawn';
}

/** A draw below the rate samples: over many items the share sampled is the rate. */
function byRate(rate: number, draw: number): SampleDecision {
  return draw < rate ? { sampled: true, why: 'rate' } : { sampled: false, why: 'not_drawn' };
}

export function decideAutopilot(rate: number, draw: number): SampleDecision {
  return byRate(rate, draw);
}

export function decideSolved(input: { rate: number; minPerWeek: number; sampledThisWeek: number; draw: number }): SampleDecision {
  if (input.sampledThisWeek < input.minPerWeek) return { sampled: true, why: 'minimum' };
  return byRate(input.rate, input.draw);
}
