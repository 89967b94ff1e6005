import { Calibration, calibrationOf, suggestedThreshold } from './calibration';
import { windowEvidence, SampleEvidence, WindowEvidence } from './evidence';
import { assess, categoryOf, LifecycleDeps, LifecycleReader, tenantCategories } from './category-lifecycle';
import type { LifecyclePolicy } from './lifecycle-policy';
import { isoWeekOf, weekStart } from '../domain/iso-week';
import { confidenceLevels, weeklyStats, WeekRow } from './lifecycle-stats';
import { latestAutoDemotions, ModeChangeView, modeChanges } from './mode-store';
import { Notice, noticesOf } from './notices';
import { CategoryMode, effectiveMode } from './state-machine';

/**
 * What an admin sees of each category (GET /api/categories, the apps' settings views): its mode,
 * readiness and evidence, calibration and the suggested threshold, the weekly statistics, and the
 * tenant's notices.
 */

/** One ISO week: the window's figures over the week's reviews, and the week's drafts. */
export type WeekStats = Omit<WindowEvidence, 'window' | 'since' | 'source_coverage'> & {
  week: string;
  /** drafts made in the category that week, and how many were decided autopilot */
  volume: number;
  autopilot: number;
  /** the share of the week's drafts that cited a source */
  source_coverage: number;
};

export interface CategoryStatus {
  id: string;
  name: string;
  mode: CategoryMode;
  sensitive: boolean;
  strict: boolean;
  ready: boolean;
  held_reason?: 'sensitive';
  /** "held: sensitive", "autopilot", "review: ready", "review: 12 more clean approvals ..." */
  label: string;
  missing: string[];
  mode_changed_at: string | null;
  mode_changed_by: string | null;
  evidence: WindowEvidence;
  autopilot_samples: SampleEvidence;
  policy: LifecyclePolicy;
  calibration: Calibration;
  configured_threshold: number;
  suggested_threshold?: number;
  weekly: WeekStats[];
}

export interface CategoriesView {
  tenant: string;
  categories: CategoryStatus[];
  notices: Notice[];
}

const ratio = (n: number, of: number) => (of === 0 ? 0 : Number((n / of).toFixed(4)));

function weekStats(w: WeekRow): WeekStats {
  const { window: _window, since: _since, source_coverage: _reviewed, ...e } = windowEvidence(w.tally, w.tally.reviews, null);
  return { week: w.week, volume: w.drafts, autopilot: w.autopilot, ...e, source_coverage: ratio(w.drafts_cited, w.drafts) };
}

const labelOf = (mode: CategoryMode, ready: boolean, missing: string[]) => (mode === 'held' ? 'held: sensitive' : mode === 'autopilot' ? 'autopilot' : ready ? 'review: ready' : `review: ${missing.join('; ')}`);

/**
 * Every category of the tenant with its status, and the tenant's notices. `weeksUpTo` (default now):
 * the weekly statistics start `lifecycle.weeks` - 1 ISO weeks before the week holding it, and the
 * notices' repeated reasons end with that week (the readiness report asks for a past week this way).
 */
export async function listCategoryStatus(deps: LifecycleReader, tenant: string, weeksUpTo: Date = deps.now()): Promise<CategoriesView> {
  const ctx = await tenantCategories(deps, tenant);
  const categories = ctx.file.categories;
  const s = deps.settings;
  const [assessed, levels, weeks, demotions] = await Promise.all([
    assess(deps, ctx, categories),
    confidenceLevels(deps.db, tenant, categories.map((c) => c.id), s.calibration_window),
    weeklyStats(deps.db, tenant, weekStart(weeksUpTo, s.weeks - 1)),
    latestAutoDemotions(deps.db, tenant, s.notices_limit),
  ]);
  const byCategory = new Map<string, WeekRow[]>();
  for (const w of weeks) byCategory.set(w.category, [...(byCategory.get(w.category) ?? []), w]);
  const statuses = assessed.map((a): CategoryStatus => {
    const mode = effectiveMode(a.state, a.category.sensitive);
    const own = levels.get(a.category.id) ?? [];
    const suggested = suggestedThreshold(own, a.policy.min_clean_rate, s.threshold_min_sample);
    return {
      id: a.category.id,
      name: a.category.name,
      mode,
      sensitive: a.category.sensitive,
      strict: a.category.strict,
      ready: a.readiness.ready,
      ...(a.readiness.held_reason ? { held_reason: a.readiness.held_reason } : {}),
      label: labelOf(mode, a.readiness.ready, a.readiness.missing),
      missing: a.readiness.missing,
      mode_changed_at: a.state.changed_at?.toISOString() ?? null,
      mode_changed_by: a.changed_by,
      evidence: a.evidence,
      autopilot_samples: a.samples,
      policy: a.policy,
      calibration: calibrationOf(own, s.calibration_buckets),
      configured_threshold: ctx.thresholdOf(a.category),
      ...(suggested !== undefined ? { suggested_threshold: suggested } : {}),
      weekly: (byCategory.get(a.category.id) ?? []).map(weekStats),
    };
  });
  const thisWeek = isoWeekOf(weeksUpTo);
  return { tenant, categories: statuses, notices: noticesOf(demotions, weeks.filter((w) => w.week <= thisWeek), s.repeated_reason_per_week, s.notices_limit) };
}

/** One category's mode changes, newest first (404 for a category the tenant does not have). */
export async function categoryAudit(deps: LifecycleDeps, tenant: string, categoryId: string): Promise<ModeChangeView[]> {
  categoryOf(await tenantCategories(deps, tenant), categoryId);
  return modeChanges(deps.db, tenant, categoryId);
}
