import { stringify as stringifyYaml } from 'yaml';
import { INPUT } from './canvas-action';
import type { Component } from './canvas-schema';
import { button, clip, plainText, text } from './canvas-text';
import type { SettingsError } from '../settings/tenant-settings';

/**
 * The admin-only settings canvas, pure: one input per setting, each naming the settings key it holds
 * (dotted: `sampling.autopilot_rate`), and the inputs read back into the raw settings object that the
 * settings store validates. Inbox apps have no install-time settings form, so this is where an
 * Intercom workspace's admins edit what a Zendesk admin edits in the app's settings.
 */

export interface SettingsField {
  input: string;
  /** the dotted path of the value in the raw settings */
  key: string;
  label: string;
  kind: 'textarea' | 'number' | 'text' | 'choice';
  choices?: readonly { id: string; text: string }[];
}

export const SETTINGS_FIELDS: readonly SettingsField[] = [
  { input: INPUT.settingsCategories, key: 'categories', label: 'Categories (YAML or JSON, as config/categories.yaml)', kind: 'textarea' },
  { input: INPUT.settingsAutopilot, key: 'thresholds.autopilot', label: 'Autopilot confidence threshold (0 to 1)', kind: 'number' },
  { input: INPUT.settingsLowConfidence, key: 'thresholds.low_confidence', label: 'Low-confidence threshold (0 to 1)', kind: 'number' },
  { input: INPUT.settingsSentiment, key: 'thresholds.negative_sentiment', label: 'Negative-sentiment threshold (-1 to 1)', kind: 'number' },
  { input: INPUT.settingsSampling, key: 'sampling.autopilot_rate', label: 'Autopilot replies sampled for review (0 to 1)', kind: 'number' },
  { input: INPUT.settingsSolved, key: 'sampling.solved_rate', label: 'Solved conversations sampled (0 to 1)', kind: 'number' },
  {
    input: INPUT.settingsDelivery,
    key: 'delivery_mode',
    label: 'Delivery of review drafts',
    kind: 'choice',
    choices: [
      { id: 'note', text: 'Internal note' },
      { id: 'pending_macro', text: 'Note and pending macro (Zendesk)' },
    ],
  },
  { input: INPUT.settingsTeam, key: 'escalation.intercom_team_id', label: 'Escalation team id (Intercom)', kind: 'text' },
];


function valueAt(settings: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), settings);
}

/** A setting's current value as its input shows it. */
function shownValue(field: SettingsField, settings: unknown): string {
  const v = valueAt(settings, field.key);
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return stringifyYaml(v);
}

/**
 * The canvas: the last good settings (or what the admin typed, after a refusal), and each error with
 * the path that is wrong. `current` is the raw settings as last applied.
 */
export function settingsCanvas(options: {
  tenant: string;
  current: unknown;
  errors?: readonly SettingsError[];
  typed?: Record<string, string>;
  appliedAt?: string | null;
  /** the last refused update, shown when the canvas opens */
  lastError?: { errors: SettingsError[]; source: string; at: string } | null;
}): Component[] {
  const errors = options.errors ?? [];
  const fields = SETTINGS_FIELDS.map((f): Component => {
    const value = clip(options.typed?.[f.input] ?? shownValue(f, options.current), 20_000);
    const failed = errors.some((e) => e.path === f.key || e.path.startsWith(`${f.key}.`) || e.path.startsWith(`${f.key}[`));
    if (f.kind === 'textarea') return { type: 'textarea', id: f.input, label: f.label, value, ...(failed ? { error: true } : {}) };
    if (f.kind === 'choice') {
      const options = (f.choices ?? []).map((c) => ({ type: 'option' as const, id: c.id, text: c.text }));
      return { type: 'dropdown', id: f.input, label: f.label, options, ...(options.some((o) => o.id === value) ? { value } : {}) };
    }
    return { type: 'input', id: f.input, label: f.label, value, ...(failed ? { save_state: 'failed' as const } : {}) };
  });
  return [
    text('draftpilot settings', 'header'),
    text(`Workspace ${plainText(options.tenant)}. An invalid value is refused and the last good settings stay in force.${options.appliedAt ? ` Last saved ${options.appliedAt.slice(0, 16).replace('T', ' ')} UTC.` : ''}`, 'muted'),
    ...(errors.length ? [text('Not saved; the settings in force are unchanged:', 'error'), ...errorLines(errors)] : []),
    ...(!errors.length && options.lastError ? [text(`The last update (${plainText(options.lastError.source)}, ${options.lastError.at.slice(0, 16).replace('T', ' ')} UTC) was refused; the settings in force are these:`, 'error'), ...errorLines(options.lastError.errors)] : []),
    ...fields,
    button('save_settings', 'Save settings', 'primary'),
    button('home', 'Back', 'link'),
  ];
}

const errorLines = (errors: readonly SettingsError[]): Component[] => errors.slice(0, 8).map((e) => text(`${plainText(e.path || '(settings)')}: ${plainText(clip(e.message, 300))}`, 'error'));

/**
 * The raw settings from the canvas's inputs: every field set to what was typed (numbers as numbers
 * when they read as one, so the store's schema reports a wrong one by its path), empty ones left out.
 */
export function settingsFromInputs(inputs: Record<string, unknown>): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const f of SETTINGS_FIELDS) {
    const v = inputs[f.input];
    if (typeof v !== 'string' || v.trim() === '') continue;
    const value = f.kind === 'number' && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v.trim()) : v.trim();
    const path = f.key.split('.');
    let at = raw;
    for (const k of path.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
    at[path[path.length - 1]!] = value;
  }
  return raw;
}
