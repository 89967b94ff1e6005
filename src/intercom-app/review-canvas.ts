import { briefSchema } from '../brief/brief';
import type { DraftRow } from '../drafting/draft-store';
import { actionId } from './canvas-action';
import type { Component } from './canvas-schema';
import { button, clip, divider, plainText, sourceLink, text } from './canvas-text';

/**
 * The inbox app's review canvases, pure: a stored draft and its reviews in, components out. The first
 * canvas stays short (Intercom shows about 400 px before a teammate has to scroll): the decision, the
 * draft clipped, the latest review and the four actions. "Details" shows the rest.
 */

/** A review as the canvases show it (the reviews' API view). */
export interface ShownReview {
  action: string;
  reason: string | null;
  text: string | null;
  agent: { id: string; name: string | null };
  created_at: Date | string;
}

const DECISION_TITLE: Record<string, string> = {
  review: 'Draft for review',
  escalate: 'Escalation: a person should answer',
  autopilot: 'Autopilot reply',
};

const ACTION_DONE: Record<string, string> = {
  approve: 'approved and sent',
  edit: 'edited and sent',
  reject: 'rejected',
  escalate: 'escalated',
  replaced: 'answered without the draft',
};

/** The draft was sent to the customer: sending it again must not be offered. */
export function wasSent(reviews: readonly ShownReview[]): ShownReview | undefined {
  return reviews.find((r) => r.action === 'approve' || r.action === 'edit' || r.action === 'replaced');
}

function when(at: Date | string): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  return Number.isNaN(d.getTime()) ? '' : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function reviewLine(r: ShownReview): string {
  const who = plainText(clip(r.agent.name || `teammate ${r.agent.id}`, 60));
  const why = r.reason ? ` (${r.reason.replace(/_/g, ' ')}${r.text && r.action !== 'edit' ? `: ${plainText(clip(r.text, 120))}` : ''})` : r.text && r.action === 'escalate' ? ` (${plainText(clip(r.text, 120))})` : '';
  return `**${who}** ${ACTION_DONE[r.action] ?? r.action}${why}, ${when(r.created_at)}`;
}

function summaryLine(draft: DraftRow): string {
  const sources = draft.sources.length;
  return `Confidence ${draft.confidence.toFixed(2)} · ${plainText(draft.category)} · ${sources} source${sources === 1 ? '' : 's'}`;
}

/** The review actions; none that sends once the draft was sent, and Approve only with a draft to send. */
function actions(draft: DraftRow, reviews: readonly ShownReview[]): Component[] {
  if (wasSent(reviews)) return [button(actionId('details', draft.id), 'Details', 'link')];
  return [
    ...(draft.draft ? [button(actionId('approve', draft.id), 'Approve & send', 'primary')] : []),
    button(actionId('edit', draft.id), draft.draft ? 'Edit' : 'Write a reply', 'secondary'),
    button(actionId('reject', draft.id), 'Reject', 'secondary'),
    button(actionId('escalate', draft.id), 'Escalate', 'secondary'),
    button(actionId('details', draft.id), 'Details', 'link'),
  ];
}

const settingsButton = (isAdmin: boolean): Component[] => (isAdmin ? [button('settings', 'Categories and settings', 'link')] : []);

/** The first canvas: short. */
export function reviewCanvas(draft: DraftRow, reviews: readonly ShownReview[], options: { isAdmin: boolean; notice?: Component[] }): Component[] {
  const latest = reviews[reviews.length - 1];
  return [
    ...(options.notice ?? []),
    text(DECISION_TITLE[draft.decision] ?? plainText(draft.decision), 'header'),
    text(summaryLine(draft), 'muted'),
    text(draft.draft ? plainText(clip(draft.draft, 280)) : 'No draft: the help center has no answer for this, or the draft was held back. See Details for the brief.'),
    ...(latest ? [text(`${reviewLine(latest)}${reviews.length > 1 ? ` (+${reviews.length - 1} earlier)` : ''}`, 'muted')] : []),
    ...actions(draft, reviews),
    ...settingsButton(options.isAdmin),
  ];
}

/** Everything: the brief's fields, the sources, the whole draft and every review. */
export function detailsCanvas(draft: DraftRow, reviews: readonly ShownReview[], options: { isAdmin: boolean }): Component[] {
  const brief = briefSchema.safeParse(draft.brief);
  const b = brief.success ? brief.data : undefined;
  const fields: Component[] = b
    ? [
        text(`**Asks:** ${plainText(clip(b.question, 400))}`),
        text(`**Intent:** ${plainText(clip(b.intent, 200))} · **Category:** ${plainText(b.category)}`),
        text(`**Sentiment:** ${plainText(b.sentiment.label)} (${b.sentiment.score.toFixed(2)}) · **Confidence:** ${b.confidence.toFixed(2)}`),
        ...(b.escalation_reasons.length ? [text(`**Escalation reasons:** ${b.escalation_reasons.map((r) => r.replace(/_/g, ' ')).join(', ')}`)] : []),
        ...(b.missing_fields.length ? [text(`**Still needed:** ${b.missing_fields.map((f) => plainText(clip(f, 80))).join(', ')}`)] : []),
        text(`**Next step:** ${plainText(clip(b.recommended_next_step, 300))}`),
        ...b.previous_answers.slice(-3).map((p) => text(`**Earlier ${p.author === 'ai' ? 'draftpilot' : 'agent'} answer:** ${plainText(clip(p.text, 300))}`, 'muted')),
      ]
    : [text('The brief could not be read.', 'muted')];
  const sources = draft.sources.length ? draft.sources.slice(0, 10).map((s) => text(`• ${sourceLink(s.title, s.url)}`)) : [text('No cited source.', 'muted')];
  return [
    text(DECISION_TITLE[draft.decision] ?? plainText(draft.decision), 'header'),
    text(summaryLine(draft), 'muted'),
    ...fields,
    divider(),
    text('**Sources**'),
    ...sources,
    divider(),
    text('**Draft**'),
    text(draft.draft ? plainText(clip(draft.draft, 12_000)) : 'No draft.'),
    ...(reviews.length ? [divider(), text('**Reviews**'), ...reviews.slice(-10).map((r) => text(reviewLine(r), 'muted'))] : []),
    divider(),
    ...actions(draft, reviews).filter((c) => c.type !== 'button' || !c.id.startsWith('details:')),
    button(actionId('back', draft.id), 'Back', 'link'),
    ...settingsButton(options.isAdmin),
  ];
}

/** No draft for this conversation (yet). */
export function noDraftCanvas(options: { isAdmin: boolean }): Component[] {
  return [
    text('draftpilot', 'header'),
    text('No draft for this conversation yet. draftpilot drafts when the customer writes; reopen the app after that.', 'muted'),
    button('home', 'Refresh', 'secondary'),
    ...settingsButton(options.isAdmin),
  ];
}

/** A problem the teammate can act on, with the way back. */
export function problemCanvas(message: string, backId = 'home'): Component[] {
  return [text(plainText(message), 'error'), button(backId, 'Back', 'secondary')];
}
