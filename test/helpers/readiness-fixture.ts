import type { Kysely } from 'kysely';
import { loadSettings, Settings } from '../../src/config/settings';
import { parseCategories } from '../../src/policy/categories';
import type { ServiceDefaults } from '../../src/settings/effective-settings';
import type { Database } from '../../src/store/schema';
import { SeedReview, seedReviews } from './lifecycle-seed';

/**
 * Reviews with known readiness answers (test/integration/readiness-report.test.ts), week 2026-W48
 * (Monday 2026-11-23 to Monday 2026-11-30, UTC) and before it. zendesk:acme has one category for each
 * recommendation: shipping is ready (promote), orders is not and has a repeated reason (hold),
 * returns is sensitive, account is in autopilot with a failing sample (demote), products is in
 * autopilot with a passing one (hold), billing has no reviews (hold). intercom:ws1 has a review in
 * the week; zendesk:old only earlier ones.
 */
export const WEEK = '2026-W48';
export const ACME = 'zendesk:acme';
export const WS1 = 'intercom:ws1';
export const OLD = 'zendesk:old';
/** the service's clock in the tests: the Friday of the week */
export const NOW = new Date('2026-11-27T18:00:00Z');

export const READINESS_CATEGORIES = parseCategories(
  {
    categories: [
      { id: 'shipping', name: 'Shipping', thresholds: { autopilot: 0.9 } },
      { id: 'orders', name: 'Orders' },
      { id: 'returns', name: 'Returns', sensitive: true },
      { id: 'account', name: 'Account' },
      { id: 'products', name: 'Products', mode: 'autopilot', strict: true },
      { id: 'billing', name: 'Billing' },
    ],
    promotion: { min_clean_approvals: 3, window: 10, min_clean_rate: 0.75 },
    demotion: { sample_window: 20, max_reject_rate: 0.1 },
  },
  'readiness fixture',
);

export const readinessDefaults: ServiceDefaults = {
  categories: READINESS_CATEGORIES,
  thresholds: { negative_sentiment: -0.5, low_confidence: 0.35, autopilot: 0.8 },
  deliveryMode: () => 'note',
  escalation: {},
};

/** The service's lifecycle settings, with a small sample for the suggested threshold and two rejects as a repeated reason. */
export function readinessLifecycleSettings(): Settings['lifecycle'] {
  return { ...loadSettings('config/default.yaml').lifecycle, threshold_min_sample: 3, repeated_reason_per_week: 2 };
}

const at = (day: number, hour = 9) => new Date(Date.UTC(2026, 10, day, hour)); // November 2026
/** account went to autopilot on Friday 20 November (an admin) */
export const ACCOUNT_PROMOTED_AT = at(20);

const ACME_REVIEWS: SeedReview[] = [
  // shipping: 5 reviews in the window, 4 clean (0.8 ≥ 0.75): ready
  { category: 'shipping', decision: 'review', action: 'approve', at: at(18), confidence: 0.95 },
  { category: 'shipping', decision: 'review', action: 'approve', at: at(24), confidence: 0.9 },
  { category: 'shipping', decision: 'review', action: 'approve', at: at(24, 10), confidence: 0.85 },
  { category: 'shipping', decision: 'review', action: 'approve', at: at(25), confidence: 0.8 },
  { category: 'shipping', decision: 'review', action: 'edit', editDistance: 8, at: at(25, 11), confidence: 0.6 },
  // orders: 1 clean of 5; wrong_information twice in the week (and once the week before)
  { category: 'orders', decision: 'review', action: 'reject', reason: 'wrong_information', at: at(19), confidence: 0.7 },
  { category: 'orders', decision: 'review', action: 'approve', at: at(24), confidence: 0.7 },
  { category: 'orders', decision: 'review', action: 'reject', reason: 'wrong_information', at: at(26), confidence: 0.5 },
  { category: 'orders', decision: 'review', action: 'reject', reason: 'wrong_information', at: at(27), confidence: 0.4 },
  { category: 'orders', decision: 'review', action: 'reject', reason: 'wrong_tone', at: at(27, 10), confidence: 0.45 },
  // returns: clean, but sensitive
  { category: 'returns', decision: 'review', action: 'approve', at: at(24), confidence: 0.9 },
  { category: 'returns', decision: 'review', action: 'approve', at: at(25), confidence: 0.9 },
  { category: 'returns', decision: 'review', action: 'approve', at: at(26), confidence: 0.9 },
  // account: a reject before its promotion does not count; after it 1 of 3 sampled replies rejected (> 0.1)
  { category: 'account', decision: 'review', action: 'reject', reason: 'off_brand', at: at(19), confidence: 0.9 },
  { category: 'account', decision: 'autopilot', action: 'approve', at: at(24), confidence: 0.92 },
  { category: 'account', decision: 'autopilot', action: 'approve', at: at(25), confidence: 0.93 },
  { category: 'account', decision: 'autopilot', action: 'reject', reason: 'wrong_tone', at: at(26), confidence: 0.91 },
  // products: in autopilot by the categories file, its two sampled replies approved
  { category: 'products', decision: 'autopilot', action: 'approve', at: at(24), confidence: 0.95 },
  { category: 'products', decision: 'autopilot', action: 'approve', at: at(26), confidence: 0.95 },
];

export async function seedReadiness(db: Kysely<Database>): Promise<void> {
  await seedReviews(db, ACME, ACME_REVIEWS);
  await seedReviews(db, WS1, [{ category: 'shipping', decision: 'review', action: 'approve', at: at(24), confidence: 0.9 }]);
  await seedReviews(db, OLD, [{ category: 'shipping', decision: 'review', action: 'approve', at: at(10), confidence: 0.9 }]);
  await db.insertInto('category_modes').values({ tenant: ACME, category: 'account', mode: 'autopilot', changed_at: ACCOUNT_PROMOTED_AT, changed_by: 'admin-1' }).execute();
}
