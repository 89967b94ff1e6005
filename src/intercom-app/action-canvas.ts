import type { DraftRow } from '../drafting/draft-store';
import { actionId, INPUT } from './canvas-action';
import type { Component } from './canvas-schema';
import { button, clip, plainText, text } from './canvas-text';

/**
 * The canvases of one review action, pure: edit (a text area holding the draft), reject (the
 * required reason), escalate (an optional reason, and whether the brief helped), and the publication
 * guard's findings before a send. Each keeps the teammate's input when it is shown again with an error.
 */

export interface ReasonOption {
  id: string;
  label: string;
}

/** Intercom's limit on a text area's text is not documented; replies stay well under the canvas's 64 KB. */
export const MAX_REPLY_CHARS = 20_000;

export function editCanvas(draft: DraftRow, options: { value?: string; error?: string } = {}): Component[] {
  return [
    text(draft.draft ? 'Edit the draft' : 'Write the reply', 'header'),
    ...(options.error ? [text(plainText(options.error), 'error')] : []),
    { type: 'textarea', id: INPUT.editedText, label: 'Reply to the customer', value: clip(options.value ?? draft.draft ?? '', MAX_REPLY_CHARS), ...(options.error ? { error: true } : {}) },
    text('Sent as you, as a public reply the customer sees.', 'muted'),
    button(actionId('send_edit', draft.id), 'Send reply', 'primary'),
    button(actionId('back', draft.id), 'Cancel', 'link'),
  ];
}

export function rejectCanvas(draft: DraftRow, reasons: readonly ReasonOption[], options: { reason?: string; text?: string; error?: string; textError?: boolean } = {}): Component[] {
  const known = reasons.some((r) => r.id === options.reason);
  return [
    text('Reject the draft', 'header'),
    text('Nothing is sent to the customer. Pick why, so the drafts get better.', 'muted'),
    ...(options.error ? [text(plainText(options.error), 'error')] : []),
    { type: 'dropdown', id: INPUT.rejectReason, label: 'Reason (required)', options: reasons.map((r) => ({ type: 'option' as const, id: r.id, text: r.label })), ...(known ? { value: options.reason } : {}) },
    { type: 'textarea', id: INPUT.rejectText, label: 'What was wrong (required for "Other")', value: options.text ?? '', ...(options.textError ? { error: true } : {}) },
    button(actionId('send_reject', draft.id), 'Reject draft', 'primary'),
    button(actionId('back', draft.id), 'Cancel', 'link'),
  ];
}

export const BRIEF_FIELDS: readonly ReasonOption[] = [
  { id: 'none', label: 'Nothing was missing' },
  { id: 'question', label: 'The question' },
  { id: 'intent', label: 'The intent' },
  { id: 'category', label: 'The category' },
  { id: 'sources', label: 'The sources' },
  { id: 'missing_fields', label: 'What is still needed' },
  { id: 'sentiment', label: 'The sentiment' },
  { id: 'previous_answers', label: 'Earlier answers' },
  { id: 'recommended_next_step', label: 'The next step' },
];

export function escalateCanvas(draft: DraftRow, options: { team?: string; askBrief: boolean; reason?: string; error?: string }): Component[] {
  return [
    text('Escalate', 'header'),
    text(options.team ? `Assigns the conversation to team ${plainText(options.team)}. Nothing is sent to the customer.` : 'No escalation team is configured: the escalation is recorded, the conversation stays where it is.', 'muted'),
    ...(options.error ? [text(plainText(options.error), 'error')] : []),
    { type: 'textarea', id: INPUT.escalateReason, label: 'Reason (optional)', value: options.reason ?? '' },
    ...(options.askBrief
      ? ([
          { type: 'single-select', id: INPUT.briefUseful, label: 'Was this brief useful?', options: [{ type: 'option', id: 'yes', text: 'Yes' }, { type: 'option', id: 'no', text: 'No' }] },
          { type: 'dropdown', id: INPUT.briefMissing, label: 'Which field was missing?', options: BRIEF_FIELDS.map((f) => ({ type: 'option' as const, id: f.id, text: f.label })) },
        ] satisfies Component[])
      : []),
    button(actionId('send_escalate', draft.id), 'Escalate', 'primary'),
    button(actionId('back', draft.id), 'Cancel', 'link'),
  ];
}

/**
 * The publication guard found something in the reply about to be sent: the teammate sees what and
 * decides. Sending anyway is a second explicit click; the text sent is the one shown (an edit keeps
 * its text area, so the confirmation submits exactly what was checked).
 */
export function guardCanvas(draft: DraftRow, findings: readonly string[], edited?: string): Component[] {
  return [
    text('Check before sending', 'header'),
    text('The publication guard found:', 'muted'),
    ...findings.slice(0, 8).map((f) => text(`• ${plainText(clip(f, 300))}`, 'error')),
    ...(edited !== undefined ? [{ type: 'textarea' as const, id: INPUT.editedText, label: 'Reply to the customer', value: clip(edited, MAX_REPLY_CHARS) }] : [text(plainText(clip(draft.draft ?? '', 600)))]),
    button(actionId(edited !== undefined ? 'send_edit_confirm' : 'approve_confirm', draft.id), 'Send anyway', 'primary'),
    button(actionId(edited !== undefined ? 'send_edit' : 'edit', draft.id), edited !== undefined ? 'Check again' : 'Edit instead', 'secondary'),
    button(actionId('back', draft.id), 'Cancel', 'link'),
  ];
}

/** After an action: what happened, then the review canvas again below it. */
export function doneNotice(message: string): Component[] {
  return [text(`✓ ${plainText(message)}`, 'muted')];
}
