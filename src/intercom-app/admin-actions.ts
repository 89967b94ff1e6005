import { describe } from '../domain/errors';
import { CategoryNotFoundError, demoteCategory, promoteCategory, tenantCategories } from '../lifecycle/category-lifecycle';
import { listCategoryStatus } from '../lifecycle/category-status';
import type { SettingsError } from '../settings/tenant-settings';
import { doneNotice } from './action-canvas';
import type { CanvasContext, IntercomAppDeps } from './app-deps';
import { CategoryAction, typedInputs } from './canvas-action';
import type { Component } from './canvas-schema';
import { divider, plainText, text } from './canvas-text';
import { categoriesSection, demoteOutcome, noticeLines, promoteOutcome } from './categories-canvas';

/**
 * The admin canvas (teammates in INTERCOM_SETTINGS_ADMIN_IDS; the caller checks): the outcome of the
 * last click, the tenant's notices, its categories with Promote and Back to review, then the settings
 * form. A promotion or demotion runs the category lifecycle as the teammate who clicked, so the audit
 * names them.
 */

export interface Outcome {
  ok: boolean;
  message: string;
}

export async function adminCanvas(deps: IntercomAppDeps, ctx: CanvasContext, options: { outcome?: Outcome; errors?: SettingsError[]; typed?: Record<string, string> } = {}): Promise<Component[]> {
  const [lifecycle, settings] = await Promise.all([lifecycleParts(deps, ctx), deps.settings.canvas(ctx.tenant, options.errors, options.typed)]);
  const outcome = options.outcome ? (options.outcome.ok ? doneNotice(options.outcome.message) : [text(plainText(options.outcome.message), 'error')]) : [];
  return [...outcome, ...lifecycle, divider(), ...settings];
}

/** The notices and the categories; when they cannot be read the settings stay usable. */
async function lifecycleParts(deps: IntercomAppDeps, ctx: CanvasContext): Promise<Component[]> {
  try {
    const view = await listCategoryStatus(deps.lifecycle, ctx.tenant);
    return [...noticeLines(view.notices, view.tenant), ...categoriesSection(view)];
  } catch (err) {
    deps.logger.error({ tenant: ctx.tenant, err: describe(err) }, 'inbox app: the categories could not be read');
    return [text('Categories', 'header'), text('The categories could not be read just now. Reopen the app to try again.', 'error')];
  }
}

/** Promote or demote one category as the admin who clicked; the canvas shows what happened. */
export async function categoryAction(deps: IntercomAppDeps, ctx: CanvasContext, kind: CategoryAction, categoryId: string, inputs: Record<string, unknown>): Promise<Component[]> {
  const typed = typedInputs(inputs);
  const admin = { id: ctx.teammate.id, ...(ctx.teammate.name ? { name: ctx.teammate.name } : {}) };
  const missing: Outcome = { ok: false, message: `There is no category "${categoryId}" in this workspace's categories. Nothing was changed.` };
  const category = (await tenantCategories(deps.lifecycle, ctx.tenant)).file.categories.find((c) => c.id === categoryId);
  if (!category) return adminCanvas(deps, ctx, { outcome: missing, typed });
  try {
    const outcome = kind === 'promote' ? promoteOutcome(category.name, await promoteCategory(deps.lifecycle, ctx.tenant, categoryId, admin)) : demoteOutcome(category.name, await demoteCategory(deps.lifecycle, ctx.tenant, categoryId, admin));
    return adminCanvas(deps, ctx, { outcome, typed });
  } catch (err) {
    // the categories changed between the two reads
    if (err instanceof CategoryNotFoundError) return adminCanvas(deps, ctx, { outcome: missing, typed });
    throw err;
  }
}
