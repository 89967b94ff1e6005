import { DRAFT_ID } from '../drafting/draft-view';

/**
 * What a click in the inbox app asks for, read from the clicked button's id: `<action>:<draft id>`
 * for the review actions, `settings` and `save_settings` for the admin canvas. The ids are
 * draftpilot's own (the canvas it answered with); the draft they name is still checked against the
 * request's workspace and conversation before anything is done with it.
 */
export const DRAFT_ACTIONS = [
  'approve',
  'approve_confirm',
  'edit',
  'send_edit',
  'send_edit_confirm',
  'reject',
  'send_reject',
  'escalate',
  'send_escalate',
  'details',
  'back',
] as const;

export type DraftAction = (typeof DRAFT_ACTIONS)[number];

export type CanvasAction = { kind: DraftAction; draftId: string } | { kind: 'settings' } | { kind: 'save_settings' } | { kind: 'home' };

/** The ids of the canvas's inputs: the keys of input_values on submit. */
export const INPUT = {
  editedText: 'edited_text',
  rejectReason: 'reject_reason',
  rejectText: 'reject_text',
  escalateReason: 'escalate_reason',
  briefUseful: 'brief_useful',
  briefMissing: 'brief_missing',
  settingsCategories: 'settings_categories',
  settingsAutopilot: 'settings_autopilot_threshold',
  settingsLowConfidence: 'settings_low_confidence_threshold',
  settingsSentiment: 'settings_negative_sentiment_threshold',
  settingsSampling: 'settings_autopilot_sampling',
  settingsSolved: 'settings_solved_sampling',
  settingsDelivery: 'settings_delivery_mode',
  settingsTeam: 'settings_escalation_team',
} as const;

export function actionId(kind: DraftAction, draftId: string): string {
  return `${kind}:${draftId}`;
}

export function parseAction(componentId: string): CanvasAction | undefined {
  if (componentId === 'settings' || componentId === 'save_settings' || componentId === 'home') return { kind: componentId };
  const at = componentId.indexOf(':');
  if (at < 0) return undefined;
  const kind = componentId.slice(0, at);
  const draftId = componentId.slice(at + 1);
  if (!(DRAFT_ACTIONS as readonly string[]).includes(kind) || !DRAFT_ID.test(draftId)) return undefined;
  return { kind: kind as DraftAction, draftId };
}

/** One input's value as text; anything else (absent, a list) is empty. */
export function inputText(values: Record<string, unknown>, key: string): string {
  const v = values[key];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}
