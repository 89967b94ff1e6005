import type { CanvasInitialize, CanvasSubmit } from '../edge/intercom/canvas-request';
import { intercomTenant } from '../domain/tenant';
import { doneNotice } from './action-canvas';
import type { CanvasContext, IntercomAppDeps } from './app-deps';
import { parseAction } from './canvas-action';
import { canvasOf, CanvasResponse } from './canvas-schema';
import { draftAction, homeCanvas } from './review-actions';
import { problemCanvas } from './review-canvas';

/**
 * The inbox app: a verified, validated Canvas Kit request in, the canvas to show out (checked against
 * the schema and the 64 KB limit). Initialize shows the conversation's newest draft; submit does what
 * the clicked button names.
 */

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
  if (action.kind === 'settings' || action.kind === 'save_settings') {
    // Only teammates listed in INTERCOM_SETTINGS_ADMIN_IDS see, or change, the settings.
    if (!ctx.isAdmin) return canvasOf(problemCanvas('Only the admins named in INTERCOM_SETTINGS_ADMIN_IDS can change draftpilot’s settings.'));
    if (action.kind === 'settings') return canvasOf(await deps.settings.canvas(ctx.tenant));
    const saved = await deps.settings.save(ctx.tenant, request.input_values, ctx.teammate.id);
    if (!saved.ok) {
      const typed = Object.fromEntries(Object.entries(request.input_values).filter((e): e is [string, string] => typeof e[1] === 'string'));
      return canvasOf(await deps.settings.canvas(ctx.tenant, saved.errors, typed));
    }
    return canvasOf(await homeCanvas(deps, ctx, doneNotice('Settings saved.')));
  }
  return canvasOf(await draftAction(deps, ctx, action.kind, action.draftId, request.input_values));
}
