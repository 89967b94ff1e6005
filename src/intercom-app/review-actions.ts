import { describe } from '../domain/errors';
import { findDraftById, type DraftRow } from '../drafting/draft-store';
import { HelpdeskError } from '../helpdesk/helpdesk-error';
import { recordBriefFeedback, recordReview, type ReviewToRecord } from '../reviews/record-review';
import { BRIEF_FIELDS as BRIEF_KEYS, REJECT_REASONS, reviewInputSchema } from '../reviews/review-input';
import { reviewsForDraft } from '../reviews/review-store';
import { doneNotice, editCanvas, escalateCanvas, guardCanvas, MAX_REPLY_CHARS, rejectCanvas, ReasonOption } from './action-canvas';
import type { CanvasContext, IntercomAppDeps } from './app-deps';
import { DraftAction, inputText, INPUT } from './canvas-action';
import type { Component } from './canvas-schema';
import { latestDraftOf } from './conversation-draft';
import { sampleForDraft } from '../sampling/sample-store';
import { text } from './canvas-text';
import { guardTeammateReply } from './reply-guard';
import { detailsCanvas, noDraftCanvas, problemCanvas, reviewCanvas, wasSent } from './review-canvas';
import { teamAssignmentBody, teammateReplyBody } from './teammate-writes';

/**
 * What each click on a review canvas does. Nothing reaches the customer but through `send`, which
 * only runs on Approve & send, Send reply or Send anyway: the teammate's explicit clicks.
 */

export const REASON_OPTIONS: readonly ReasonOption[] = REJECT_REASONS.map((id) => ({ id, label: id === 'other' ? 'Other' : `${id[0]!.toUpperCase()}${id.slice(1).replace(/_/g, ' ')}` }));

const SOURCE = 'intercom_app' as const;

/** The first canvas of a conversation: its newest draft, or a word that there is none. */
export async function homeCanvas(deps: IntercomAppDeps, ctx: CanvasContext, notice: Component[] = []): Promise<Component[]> {
  const draft = await latestDraftOf(deps.db, ctx.tenant, ctx.conversationId);
  if (!draft) return [...notice, ...noDraftCanvas({ isAdmin: ctx.isAdmin })];
  const sample = await sampleForDraft(deps.db, draft.id);
  // A sample waiting for its rating says so first: the teammate rates it with the usual actions.
  const sampled = sample && !sample.review_id ? [text(sampledLine(sample), 'muted')] : [];
  return reviewCanvas(draft, await reviewsForDraft(deps.db, draft.id), { isAdmin: ctx.isAdmin, notice: [...notice, ...sampled] });
}

/** "Sampled for review: a solved conversation (looks bad: reopened). Rate this draft." */
export function sampledLine(sample: { kind: string; signals: string[] }): string {
  const what = sample.kind === 'solved' ? 'a solved conversation' : 'an autopilot reply';
  const bad = sample.signals.length ? ` (looks bad: ${sample.signals.join(', ').replace(/_/g, ' ')})` : '';
  return `Sampled for review: ${what}${bad}. Rate this draft with Approve, Edit, Reject or Escalate.`;
}

export async function draftAction(deps: IntercomAppDeps, ctx: CanvasContext, kind: DraftAction, draftId: string, inputs: Record<string, unknown>): Promise<Component[]> {
  const draft = await findDraftById(deps.db, draftId);
  // The ids are in draftpilot's own canvas, but the draft must still be this conversation's.
  if (!draft || draft.tenant !== ctx.tenant || draft.provider !== 'intercom' || draft.thread_id !== ctx.conversationId) {
    return problemCanvas('This draft is not one of this conversation’s. Reopen the app to see the current one.');
  }
  const reviews = await reviewsForDraft(deps.db, draft.id);
  if (kind === 'details') return detailsCanvas(draft, reviews, { isAdmin: ctx.isAdmin });
  if (kind === 'back') return reviewCanvas(draft, reviews, { isAdmin: ctx.isAdmin });

  // A newer message was drafted for, or the draft was already sent: acting on this one would be stale.
  if (draft.superseded_by) return homeCanvas(deps, ctx, doneNotice('A newer draft replaced this one; this is the current draft.'));
  const sent = wasSent(reviews);
  if (sent && kind !== 'reject' && kind !== 'escalate' && kind !== 'send_reject' && kind !== 'send_escalate') {
    return reviewCanvas(draft, reviews, { isAdmin: ctx.isAdmin, notice: doneNotice('This draft was already sent; nothing was sent again.') });
  }

  switch (kind) {
    case 'approve':
      if (!draft.draft) return editCanvas(draft);
      return checkThenSend(deps, ctx, draft, draft.draft, undefined);
    case 'approve_confirm':
      if (!draft.draft) return editCanvas(draft);
      return send(deps, ctx, draft, draft.draft);
    case 'edit':
      return editCanvas(draft);
    case 'send_edit':
    case 'send_edit_confirm': {
      const edited = inputText(inputs, INPUT.editedText);
      if (!edited.trim()) return editCanvas(draft, { value: edited, error: 'The reply is empty: write what the customer should read.' });
      if (edited.length > MAX_REPLY_CHARS) return editCanvas(draft, { value: edited, error: `The reply is over ${MAX_REPLY_CHARS} characters.` });
      return kind === 'send_edit' ? checkThenSend(deps, ctx, draft, edited, edited) : send(deps, ctx, draft, edited);
    }
    case 'reject':
      return rejectCanvas(draft, REASON_OPTIONS);
    case 'send_reject':
      return reject(deps, ctx, draft, inputs);
    case 'escalate':
      return escalateCanvas(draft, { ...(await teamOf(deps, ctx)), askBrief: true });
    case 'send_escalate':
      return escalate(deps, ctx, draft, inputs);
  }
}

async function teamOf(deps: IntercomAppDeps, ctx: CanvasContext): Promise<{ team?: string }> {
  const team = await deps.settings.escalationTeam(ctx.tenant);
  return team ? { team } : {};
}

const agentOf = (ctx: CanvasContext) => ({ id: ctx.teammate.id, ...(ctx.teammate.name ? { name: ctx.teammate.name } : {}) });

async function record(deps: IntercomAppDeps, ctx: CanvasContext, input: ReviewToRecord): Promise<void> {
  await recordReview(deps.db, input, { source: SOURCE, now: deps.now(), tenant: ctx.tenant, ...(deps.afterReview ? { afterRecord: deps.afterReview } : {}) });
}

/** The publication guard first: its findings are shown, and sending anyway is another click. */
async function checkThenSend(deps: IntercomAppDeps, ctx: CanvasContext, draft: DraftRow, text: string, edited: string | undefined): Promise<Component[]> {
  const verdict = await guardTeammateReply(deps.db, draft, text, deps.guard);
  if (!verdict.ok) return guardCanvas(draft, verdict.findings, edited);
  return send(deps, ctx, draft, text);
}

/**
 * The one place a reply goes to the customer: as the teammate who clicked, then recorded. Sent
 * unchanged is an approve, changed an edit with the text sent. In shadow mode nothing is sent and
 * the review is still recorded, as every other shadow-mode decision is.
 */
async function send(deps: IntercomAppDeps, ctx: CanvasContext, draft: DraftRow, text: string): Promise<Component[]> {
  const action = draft.draft !== null && text === draft.draft ? 'approve' : 'edit';
  const shadow = deps.shadow(ctx.tenant);
  if (!shadow) {
    const writes = await deps.writesFor(ctx.tenant);
    if (!writes) return problemCanvas('draftpilot cannot send as you: it holds no token for this workspace (INTERCOM_ACCESS_TOKEN, or an install through /oauth/intercom/start). Nothing was sent.', `back:${draft.id}`);
    try {
      await writes.reply(ctx.conversationId, teammateReplyBody(ctx.teammate.id, text));
    } catch (err) {
      deps.logger.warn({ tenant: ctx.tenant, conversation: ctx.conversationId, err: describe(err) }, 'inbox app: the reply was not sent');
      return problemCanvas(`The reply was not sent: ${err instanceof HelpdeskError ? err.message : 'Intercom did not answer'}. Try again.`, `back:${draft.id}`);
    }
  }
  try {
    await record(deps, ctx, { draft_id: draft.id, action, sent_text: text, agent: agentOf(ctx) });
  } catch (err) {
    deps.logger.error({ tenant: ctx.tenant, draft: draft.id, err: describe(err) }, 'inbox app: the reply was sent but its review was not recorded');
    return problemCanvas(shadow ? 'The review could not be recorded. Try again.' : 'The reply was sent, but draftpilot could not record it. Do not send it again.', `back:${draft.id}`);
  }
  return homeCanvas(deps, ctx, doneNotice(shadow ? 'Shadow mode: recorded, nothing was sent to the customer.' : action === 'approve' ? 'Sent to the customer as drafted.' : 'Your reply was sent to the customer.'));
}

async function reject(deps: IntercomAppDeps, ctx: CanvasContext, draft: DraftRow, inputs: Record<string, unknown>): Promise<Component[]> {
  const reason = inputText(inputs, INPUT.rejectReason);
  const words = inputText(inputs, INPUT.rejectText).trim();
  const input = { draft_id: draft.id, action: 'reject' as const, ...(reason ? { reason } : {}), ...(words ? { text: words } : {}), agent: agentOf(ctx) };
  const checked = reviewInputSchema.safeParse(input);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const onText = issue?.path[0] === 'text';
    const message = !reason ? 'Pick a reason before rejecting.' : onText ? 'Say what was wrong: "Other" needs a few words.' : (issue?.message ?? 'Check the reason.');
    return rejectCanvas(draft, REASON_OPTIONS, { reason, text: words, error: message, textError: onText });
  }
  await record(deps, ctx, checked.data);
  return homeCanvas(deps, ctx, doneNotice('Rejected. Nothing was sent to the customer.'));
}

async function escalate(deps: IntercomAppDeps, ctx: CanvasContext, draft: DraftRow, inputs: Record<string, unknown>): Promise<Component[]> {
  const words = inputText(inputs, INPUT.escalateReason).trim();
  const useful = inputText(inputs, INPUT.briefUseful);
  const missing = inputText(inputs, INPUT.briefMissing);
  const { team } = await teamOf(deps, ctx);
  const shadow = deps.shadow(ctx.tenant);
  if (team && !shadow) {
    const writes = await deps.writesFor(ctx.tenant);
    if (!writes) return problemCanvas('draftpilot cannot assign as you: it holds no token for this workspace (INTERCOM_ACCESS_TOKEN, or an install through /oauth/intercom/start). Nothing was changed.', `back:${draft.id}`);
    try {
      await writes.assign(ctx.conversationId, teamAssignmentBody(ctx.teammate.id, team));
    } catch (err) {
      deps.logger.warn({ tenant: ctx.tenant, conversation: ctx.conversationId, err: describe(err) }, 'inbox app: the assignment failed');
      return escalateCanvas(draft, { team, askBrief: true, reason: words, error: `The conversation was not assigned: ${err instanceof HelpdeskError ? err.message : 'Intercom did not answer'}. Try again.` });
    }
  }
  await record(deps, ctx, { draft_id: draft.id, action: 'escalate', ...(words ? { text: words } : {}), agent: agentOf(ctx) });
  if (useful === 'yes' || useful === 'no') {
    const field = (BRIEF_KEYS as readonly string[]).includes(missing) ? (missing as (typeof BRIEF_KEYS)[number]) : undefined;
    await recordBriefFeedback(deps.db, draft.id, { useful: useful === 'yes', ...(field ? { missing: field } : {}), agent: agentOf(ctx) }, { source: SOURCE, now: deps.now(), tenant: ctx.tenant });
  }
  const where = !team ? 'Escalation recorded (no escalation team is configured).' : shadow ? `Shadow mode: recorded, not assigned to team ${team}.` : `Assigned to team ${team}.`;
  return homeCanvas(deps, ctx, doneNotice(where));
}
