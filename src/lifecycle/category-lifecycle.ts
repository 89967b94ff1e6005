import type { Kysely } from 'kysely';
import { DraftpilotError } from '../domain/errors';
import type { Logger } from '../logger';
import type { Category, CategoriesFile } from '../policy/categories';
import type { Settings } from '../config/settings';
import { effectiveSettings, ServiceDefaults } from '../settings/effective-settings';
import { tenantSettingsOf } from '../settings/settings-store';
import type { TenantSettings } from '../settings/tenant-settings';
import type { Database } from '../store/schema';
import { SampleEvidence, sampleEvidence, WindowEvidence, windowEvidence } from './evidence';
import { LifecyclePolicy, lifecyclePolicyOf } from './lifecycle-policy';
import { windowTallies } from './lifecycle-stats';
import type { LiveModes } from './live-modes';
import { changeMode, storedModes } from './mode-store';
import { actorId, automaticTransition, ModeActor, ModeState, promotionVerdict, Readiness, readinessOf, StoredMode, Transition } from './state-machine';

/**
 * The category lifecycle against the store (docs/lifecycle.md): what a category's evidence says, an
 * admin's promotion and demotion, and the automatic transitions after each review. The policy is in
 * state-machine.ts; this module reads and writes.
 */
export interface LifecycleDeps {
  db: Kysely<Database>;
  /** the service's configuration under the tenants' own settings */
  defaults: () => ServiceDefaults;
  settings: Settings['lifecycle'];
  modes: LiveModes;
  now: () => Date;
  logger?: Logger;
}

/** What reading a category's status takes (GET /api/categories, the readiness report): no mode writes. */
export type LifecycleReader = Pick<LifecycleDeps, 'db' | 'defaults' | 'settings' | 'now'>;

export class CategoryNotFoundError extends DraftpilotError {
  constructor(readonly categoryId: string, tenant: string) {
    super('category_not_found', `no category "${categoryId}" for ${tenant}; GET /api/categories lists them`, 404);
    this.name = 'CategoryNotFoundError';
  }
}

/** A tenant's categories as they apply: its own settings' or the service's file, and its overrides. */
export interface TenantCategories {
  tenant: string;
  file: CategoriesFile;
  own: TenantSettings | undefined;
  /** the configured autopilot threshold of each category (its own, else the tenant's or the service's) */
  thresholdOf: (c: Category) => number;
}

export async function tenantCategories(deps: Pick<LifecycleDeps, 'db' | 'defaults'>, tenant: string): Promise<TenantCategories> {
  const own = await tenantSettingsOf(deps.db, tenant);
  const effective = effectiveSettings(own ?? null, deps.defaults(), tenant);
  return { tenant, file: effective.categories, own, thresholdOf: (c) => c.thresholds?.autopilot ?? effective.thresholds.autopilot };
}

export function categoryOf(ctx: TenantCategories, id: string): Category {
  const category = ctx.file.categories.find((c) => c.id === id);
  if (!category) throw new CategoryNotFoundError(id, ctx.tenant);
  return category;
}

/** One category's state and evidence at this moment. */
export interface Assessment {
  category: Category;
  policy: LifecyclePolicy;
  state: ModeState;
  changed_by: string | null;
  evidence: WindowEvidence;
  samples: SampleEvidence;
  readiness: Readiness;
}

/** The state and evidence of the given categories (two queries for all of them). */
export async function assess(deps: Pick<LifecycleDeps, 'db'>, ctx: TenantCategories, categories: readonly Category[]): Promise<Assessment[]> {
  const stored = await storedModes(deps.db, ctx.tenant);
  const items = categories.map((category) => {
    const row = stored.get(category.id);
    return { category, policy: lifecyclePolicyOf(ctx.file, category, ctx.own), state: { mode: row?.mode ?? category.mode, changed_at: row?.changed_at ?? null } as ModeState, changed_by: row?.changed_by ?? null };
  });
  const [counted, sampled] = await Promise.all([
    windowTallies(deps.db, ctx.tenant, items.map((i) => ({ category: i.category.id, since: i.state.changed_at, limit: i.policy.window })), 'counted'),
    windowTallies(deps.db, ctx.tenant, items.map((i) => ({ category: i.category.id, since: i.state.changed_at, limit: i.policy.sample_window })), 'autopilot'),
  ]);
  return items.map((i) => {
    const evidence = windowEvidence(counted.get(i.category.id)!, i.policy.window, i.state.changed_at);
    return { ...i, evidence, samples: sampleEvidence(sampled.get(i.category.id)!, i.policy.sample_window, i.state.changed_at), readiness: readinessOf(evidence, i.policy, i.category.sensitive) };
  });
}

/** What the audit keeps of the evidence at a mode change. */
const auditEvidence = (a: Assessment) => ({ ready: a.readiness.ready, missing: a.readiness.missing, evidence: a.evidence, samples: a.samples, policy: a.policy });

async function apply(deps: LifecycleDeps, a: Assessment, tenant: string, to: StoredMode, actor: ModeActor, why: string): Promise<boolean> {
  const changed = await changeMode(deps.db, { tenant, category: a.category.id, from: a.state.mode, to, actor: actorId(actor), actorName: actor.kind === 'admin' ? actor.name : undefined, why, evidence: auditEvidence(a), at: deps.now() });
  deps.modes.invalidate(tenant);
  if (changed) deps.logger?.info({ tenant, category: a.category.id, from: a.state.mode, to, actor: actorId(actor), why }, `category ${a.category.id} is now in ${to}`);
  return changed;
}

export type PromoteResult =
  | { ok: true; mode: StoredMode; changed: boolean; evidence: WindowEvidence }
  | { ok: false; error: 'not_ready' | 'sensitive'; missing: string[]; evidence: WindowEvidence };

/** An admin's promotion to autopilot: refused (with the evidence) when not ready or sensitive. */
export async function promoteCategory(deps: LifecycleDeps, tenant: string, categoryId: string, admin: { id: string; name?: string }): Promise<PromoteResult> {
  const ctx = await tenantCategories(deps, tenant);
  const [a] = await assess(deps, ctx, [categoryOf(ctx, categoryId)]);
  const verdict = promotionVerdict(a!.state, a!.readiness, a!.category.sensitive);
  if (!verdict.ok) return { ok: false, error: verdict.error, missing: verdict.missing, evidence: a!.evidence };
  const changed = verdict.changed && (await apply(deps, a!, tenant, 'autopilot', { kind: 'admin', ...admin }, 'promoted by an admin'));
  return { ok: true, mode: 'autopilot', changed, evidence: a!.evidence };
}

/** An admin's demotion to review: always allowed. */
export async function demoteCategory(deps: LifecycleDeps, tenant: string, categoryId: string, admin: { id: string; name?: string }): Promise<{ mode: StoredMode; changed: boolean; evidence: WindowEvidence }> {
  const ctx = await tenantCategories(deps, tenant);
  const [a] = await assess(deps, ctx, [categoryOf(ctx, categoryId)]);
  const changed = a!.state.mode === 'autopilot' && (await apply(deps, a!, tenant, 'review', { kind: 'admin', ...admin }, 'demoted by an admin'));
  return { mode: 'review', changed, evidence: a!.evidence };
}

/**
 * After a review is stored: demote the category if its sampled autopilot reviews fail, or promote it
 * when ready and `auto_promote` is on. Answers the transition made, if any. A category the tenant's
 * categories do not list (an old draft's) is left alone.
 */
export async function evaluateAfterReview(deps: LifecycleDeps, tenant: string, categoryId: string): Promise<Transition | undefined> {
  const ctx = await tenantCategories(deps, tenant);
  const category = ctx.file.categories.find((c) => c.id === categoryId);
  if (!category) return undefined;
  const [a] = await assess(deps, ctx, [category]);
  const transition = automaticTransition(a!.state, a!, a!.policy, category.sensitive);
  if (!transition) return undefined;
  return (await apply(deps, a!, tenant, transition.to, transition.actor, transition.why)) ? transition : undefined;
}
