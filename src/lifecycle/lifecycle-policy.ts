import type { CategoriesFile, Category } from '../policy/categories';
import type { TenantSettings } from '../settings/tenant-settings';

/** The rule a category is promoted and demoted by (docs/lifecycle.md, Configuration). */
export interface LifecyclePolicy {
  /** clean approvals needed within the window */
  min_clean_approvals: number;
  /** the latest reviews of the category (since its last mode change) that count */
  window: number;
  /** clean approvals over the reviews of the window, at least */
  min_clean_rate: number;
  /** a ready category that is not sensitive is promoted without an admin */
  auto_promote: boolean;
  /** the latest reviews of the category's autopilot replies that count for demotion */
  sample_window: number;
  /** more rejects than this share of them returns the category to review */
  max_reject_rate: number;
  /** one reject as policy_violation or wrong_information returns it to review */
  strict: boolean;
}

/**
 * A category's policy: the categories file's `promotion` and `demotion`, under the tenant's own
 * settings' blocks, under the category's own records (the most specific wins, field by field). Pure.
 */
export function lifecyclePolicyOf(file: CategoriesFile, category: Category, tenant?: Pick<TenantSettings, 'promotion' | 'demotion'>): LifecyclePolicy {
  const promotion = { ...file.promotion, ...tenant?.promotion, ...category.promotion };
  const demotion = { ...file.demotion, ...tenant?.demotion, ...category.demotion };
  return {
    min_clean_approvals: promotion.min_clean_approvals,
    window: promotion.window,
    min_clean_rate: promotion.min_clean_rate,
    auto_promote: promotion.auto_promote,
    sample_window: demotion.sample_window,
    max_reject_rate: demotion.max_reject_rate,
    strict: category.strict,
  };
}
