import type { CategoriesView, CategoryStatus, WeekStats } from '../lifecycle/category-status';
import { repeatedReasons } from '../lifecycle/notices';
import { recommendationOf } from './recommendation';
import { ReadinessCategory, ReadinessReport, ReportScope, scopeHeader } from './report-view';

/**
 * The readiness report (docs/reports.md, readiness) from the lifecycle's status of each tenant's
 * categories (src/lifecycle/category-status.ts, the same view GET /api/categories answers): per
 * category its evidence, the recommendation, the configured and suggested autopilot thresholds, and
 * the report week's figures with the reject reasons repeated in it. Pure.
 */

const withoutWeek = ({ week: _week, ...figures }: WeekStats) => figures;

function readinessCategory(c: CategoryStatus, week: string, repeatedThreshold: number): ReadinessCategory {
  const figures = c.weekly.find((w) => w.week === week);
  return {
    id: c.id,
    name: c.name,
    mode: c.mode,
    sensitive: c.sensitive,
    strict: c.strict,
    mode_changed_at: c.mode_changed_at,
    ...recommendationOf(c),
    evidence: c.evidence,
    autopilot_samples: c.autopilot_samples,
    policy: c.policy,
    configured_threshold: c.configured_threshold,
    suggested_threshold: c.suggested_threshold ?? null,
    calibration: c.calibration,
    week: figures ? withoutWeek(figures) : null,
    repeated_reasons: figures ? repeatedReasons(figures.reject_reasons, repeatedThreshold) : [],
  };
}

export function readinessReport(scope: ReportScope, views: readonly CategoriesView[], repeatedThreshold: number): ReadinessReport {
  return {
    report: 'readiness',
    ...scopeHeader(scope),
    repeated_reason_threshold: repeatedThreshold,
    tenants: views.map((v) => {
      const categories = v.categories.map((c) => readinessCategory(c, scope.week, repeatedThreshold));
      const count = (r: ReadinessCategory['recommendation']) => categories.filter((c) => c.recommendation === r).length;
      return { tenant: v.tenant, recommendations: { promote: count('promote'), hold: count('hold'), demote: count('demote'), 'stay sensitive': count('stay sensitive') }, categories };
    }),
  };
}
