import { draftHtml } from '../../brief/html';
import type { DeliveryRequest } from '../delivery-port';
import { UnsafeDeliveryError } from './request-body';

/**
 * Pending-macro mode, the pure half: which review decisions become a macro, and the macro's
 * exact body. A macro holds the draft; the agent applies it with one click from the ticket (Apply
 * macro, search "#<ticket>") and sends it after any edit. Applying fills the composer and sends
 * nothing (docs/delivery.md, Pending macros).
 *
 * The macro opens the composer as an INTERNAL note (`comment_mode_is_public: false`): a draft reaches
 * the customer only after the agent has read it and switched to Public reply. Like every draftpilot
 * write of a draft, the body is checked for that before it leaves the process.
 *
 * POST /api/v2/macros: https://developer.zendesk.com/api-reference/ticketing/business-rules/macros/#create-macro
 * restriction {type:"User", id} or {type:"Group", id, ids}: who can see the macro. Macros are
 * account-wide objects, so an unrestricted one would show in every agent's macro menu: none is created.
 */

export interface MacroPolicy {
  /** every tenant and category */
  enabled: boolean;
  /** zendesk:<subdomain> accounts that use macros */
  tenants: readonly string[];
  /** category ids that use macros */
  categories: readonly string[];
}

/** Only a review decision is a draft waiting for an agent: an escalation is a handoff, autopilot is sent. */
export function wantsMacro(policy: MacroPolicy, request: Pick<DeliveryRequest, 'decision' | 'tenant' | 'category' | 'draft' | 'tenantDelivery'>): boolean {
  if (request.decision !== 'review' || !request.draft || !request.draft.trim()) return false;
  // the tenant's own delivery mode wins over the service's policy
  if (request.tenantDelivery?.mode) return request.tenantDelivery.mode === 'pending_macro';
  return policy.enabled || policy.tenants.includes(request.tenant) || policy.categories.includes(request.category);
}

export type MacroRestriction = { type: 'User'; id: number } | { type: 'Group'; id: number; ids: number[] };

/** The ticket's assignee, else its group; null when the ticket has neither (no macro then). */
export function restrictionFor(ticket: { assigneeId?: string | null; groupId?: string | null }): MacroRestriction | null {
  const num = (v: string | null | undefined) => (v && /^\d+$/.test(v) ? Number(v) : undefined);
  const user = num(ticket.assigneeId);
  if (user !== undefined) return { type: 'User', id: user };
  const group = num(ticket.groupId);
  if (group !== undefined) return { type: 'Group', id: group, ids: [group] };
  return null;
}

/** The title agents search for in the macro menu; it carries the draft id, so a retry can find it. */
export function macroTitle(ticketId: string, draftId: string): string {
  return `draftpilot #${ticketId} reply draft (${draftId})`;
}

export interface MacroAction {
  field: 'comment_value_html' | 'comment_mode_is_public';
  value: string | boolean;
}

export interface MacroBody {
  macro: {
    title: string;
    description: string;
    active: true;
    restriction: MacroRestriction;
    actions: MacroAction[];
  };
}

export function buildPendingMacro(request: Pick<DeliveryRequest, 'threadId' | 'draftId' | 'draft' | 'decision' | 'category'>, restriction: MacroRestriction): MacroBody {
  if (request.decision !== 'review') throw new UnsafeDeliveryError(`a pending macro is built for review decisions only, not "${request.decision}"`);
  if (!request.draft || !request.draft.trim()) throw new UnsafeDeliveryError('a pending macro needs a draft');
  const body: MacroBody = {
    macro: {
      title: macroTitle(request.threadId, request.draftId),
      description: `draftpilot draft for ticket #${request.threadId} (category ${request.category}). Opens as an internal note: review, edit, switch to Public reply and submit. Deleted once used, superseded or the ticket is solved.`,
      active: true,
      restriction,
      actions: [
        { field: 'comment_value_html', value: draftHtml(request.draft) },
        { field: 'comment_mode_is_public', value: false },
      ],
    },
  };
  assertMacroIsPrivate(body);
  return body;
}

/** The macro must open the composer as an internal note, and restrict who sees it. */
export function assertMacroIsPrivate(body: { macro: { actions?: { field: string; value: unknown }[]; restriction?: unknown } }): void {
  const modes = (body.macro.actions ?? []).filter((a) => a.field === 'comment_mode_is_public');
  if (modes.length !== 1 || modes[0]!.value !== false) {
    throw new UnsafeDeliveryError(`a draftpilot macro must open the composer as an internal note (comment_mode_is_public:false), got ${JSON.stringify(modes.map((m) => m.value))}`);
  }
  if (!body.macro.restriction) throw new UnsafeDeliveryError('a draftpilot macro must be restricted to the assignee or group (macros are account-wide)');
}
