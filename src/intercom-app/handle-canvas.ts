import type { CanvasInitialize, CanvasSubmit } from '../edge/intercom/canvas-request';
import { intercomTenant } from '../domain/tenant';
import { doneNotice } from './action-canvas';
import type { CanvasContext, IntercomAppDeps } from './app-deps';
import { adminCanvas, categoryAction } from './admin-actions';
import { parseAction, typedInputs } from './canvas-action';
import { canvasOf, CanvasResponse } from './canvas-schema';
import { draftAction, homeCanvas } from './review-actions';
import { problemCanvas } from './review-canvas';

/**
 * The inbox app: a verified, validated Canvas Kit request in, the canvas to show out (checked against
 * the schema and the 64 KB limit). Initialize shows the conversation's newest draft; submit does what
 * the clicked button names. The admin canvas and its actions (settings, promote, demote) are checked
 * against INTERCOM_SETTINGS_ADMIN_IDS here, whatever button the request says was clicked.
 */

const NOT_ADMIN = 'Only the admins named in INTERCOM_SETTINGS_ADMIN_IDS can see or change draftpilot’s settings and categories. Nothing was changed.';

export function contextOf(request: CanvasInitialize, settingsAdminIds: ReadonlySet<string>): CanvasContext {
  const name = request.admin.name?.trim();
  return {
    tenant: intercomTenant(request.workspace_id),
    conversationId: request.conversation.id,
    teammate: { id: request.admin.id, ...(name ? { name } : {}) },
    isAdmin: settingsAdminIds.has(request.admin.id),
  };
}

export async function initializeCanvas(deps: IntercomAppDeps, ctx: CanvasContext): Promise<CanvasResponse> {
  return canvasOf(await homeCanvas(deps, ctx));
}

export async function submitCanvas(deps: IntercomAppDeps, ctx: CanvasContext, request: CanvasSubmit): Promise<CanvasResponse> {
  const action = parseAction(request.component_id);
  if (!action) return canvasOf(problemCanvas(`Unknown action "${request.component_id.slice(0, 60)}". Reopen the app.`));
  if (action.kind === 'home') return canvasOf(await homeCanvas(deps, ctx));
  if ('draftId' in action) return canvasOf(await draftAction(deps, ctx, action.kind, action.draftId, request.input_values));
  // Everything else is the admin canvas's: refused, whatever the request says was clicked, for anyone else.
  if (!ctx.isAdmin) {
    deps.logger.warn({ tenant: ctx.tenant, teammate: ctx.teammate.id, action: action.kind }, 'inbox app: an admin action from a teammate not in INTERCOM_SETTINGS_ADMIN_IDS was refused');
    return canvasOf(problemCanvas(NOT_ADMIN));
  }
  if ('categoryId' in action) return canvasOf(await categoryAction(deps, ctx, action.kind, action.categoryId, request.input_values));
  if (action.kind === 'settings') return canvasOf(await adminCanvas(deps, ctx));
  const saved = await deps.settings.save(ctx.tenant, request.input_values, ctx.teammate.id);
  if (!saved.ok) return canvasOf(await adminCanvas(deps, ctx, { errors: saved.errors, typed: typedInputs(request.input_values) }));
  return canvasOf(await homeCanvas(deps, ctx, doneNotice('Settings saved.')));
}
