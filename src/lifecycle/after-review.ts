import { describe } from '../domain/errors';
import type { AfterRecord } from '../reviews/record-review';
import { evaluateAfterReview, LifecycleDeps } from './category-lifecycle';

/**
 * The hook every review path calls once a review is stored (POST /api/reviews, the Intercom app,
 * implicit reviews): the category's automatic demotion or promotion is evaluated at once. A failure
 * here never undoes the stored review; it is logged, and the next review evaluates again.
 */
export function lifecycleAfterReview(deps: LifecycleDeps): AfterRecord {
  return async ({ review, category }) => {
    try {
      await evaluateAfterReview(deps, review.tenant, category);
    } catch (err) {
      deps.logger?.warn({ tenant: review.tenant, category, reviewId: review.id, err: describe(err) }, 'category lifecycle not evaluated after a review; the next review evaluates again');
    }
  };
}
