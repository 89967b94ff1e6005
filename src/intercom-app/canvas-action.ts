import { DRAFT_ID } from '../drafting/draft-view';

/**
 * What a click in the inbox app asks for, read from the clicked button's id: `<action>:<draft id>`
 * for the review actions; `settings`, `save_settings` and `<promote|demote>:<category id>` for the
 * admin canvas. The ids are draftpilot's own (the canvas it answered with), yet anyone can post any
 * id: the draft they name is still checked against the request's workspace and conversation, and an
 * admin action against INTERCOM_SETTINGS_ADMIN_IDS, before anything is done with it.
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

/** An admin's mode change of one category (the category lifecycle). */
export const CATEGORY_ACTIONS = ['promote', 'demote'] as const;

export type CategoryAction = (typeof CATEGORY_ACTIONS)[number];

/** A category id as the categories file allows it, short enough for a component id (at most 100). */
const CATEGORY_ID = /^[a-z0-9_-]{1,90}$/;

export type CanvasAction =
  | { kind: DraftAction; draftId: string }
  | { kind: CategoryAction; categoryId: string }
  | { kind: 'settings' }
  | { kind: 'save_settings' }
  | { kind: 'home' };

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

/** The button id of a category action; undefined for an id too long to be one (no button then). */
export function categoryActionId(kind: CategoryAction, categoryId: string): string | undefined {
  return CATEGORY_ID.test(categoryId) ? `${kind}:${categoryId}` : undefined;
}

export function parseAction(componentId: string): CanvasAction | undefined {
  if (componentId === 'settings' || componentId === 'save_settings' || componentId === 'home') return { kind: componentId };
  const at = componentId.indexOf(':');
  if (at < 0) return undefined;
  const kind = componentId.slice(0, at);
  const id = componentId.slice(at + 1);
  if ((CATEGORY_ACTIONS as readonly string[]).includes(kind)) return CATEGORY_ID.test(id) ? { kind: kind as CategoryAction, categoryId: id } : undefined;
  if (!(DRAFT_ACTIONS as readonly string[]).includes(kind) || !DRAFT_ID.test(id)) return undefined;
  return { kind: kind as DraftAction, draftId: id };
}

/** One input's value as text; anything else (absent, a list) is empty. */
export function inputText(values: Record<string, unknown>, key: string): string {
  const v = values[key];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/** The text inputs of a submit, as they were typed: shown again when the canvas is redrawn. */
export function typedInputs(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
