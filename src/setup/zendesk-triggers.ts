import { z } from 'zod';
import triggerBodyTemplate from '../../webhooks/zendesk/setup/trigger-body.json';
import type { SetupApi } from './setup-api';
import { AppliedAction, MAX_PAGES, WebhookPlan, ZENDESK_TRIGGER_WEBHOOK_NAME } from './zendesk-webhooks';

/**
 * The two ticket triggers `draftpilot setup zendesk --triggers` keeps, which notify the
 * trigger-connected webhook with the body of webhooks/zendesk/setup/trigger-body.json
 * (`triggerBodySchema`).
 *
 * Triggers API (developer.zendesk.com/api-reference/ticketing/business-rules/triggers/):
 * - GET  /api/v2/triggers/search.json?query=draftpilot  -> {triggers, next_page, count} (offset paging)
 * - POST /api/v2/triggers.json {trigger}                -> 201 {trigger}
 * - PUT  /api/v2/triggers/{id}.json {trigger}           -> 200 {trigger}
 * Unverified against a live account (taken from the API reference and the conditions reference):
 * the condition values (`update_type` "Create"/"Change", `comment_is_public` "true", `requester_id`
 * "current_user"), whether search matches the "draftpilot:" title prefix on every account, and
 * whether an account with trigger categories requires `category_id` on create (none is sent; Zendesk
 * is expected to place the trigger in its default category).
 */

const conditionSchema = z.looseObject({ field: z.string(), operator: z.string().nullish(), value: z.unknown() });

export const triggerSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  title: z.string(),
  active: z.boolean().nullish(),
  conditions: z.looseObject({ all: z.array(conditionSchema).nullish(), any: z.array(conditionSchema).nullish() }).nullish(),
  actions: z.array(z.looseObject({ field: z.string(), value: z.unknown() })).nullish(),
});

export type Trigger = z.infer<typeof triggerSchema>;

const triggerListSchema = z.looseObject({
  triggers: z.array(triggerSchema),
  next_page: z.string().nullish(),
  meta: z.looseObject({ has_more: z.boolean().nullish() }).nullish(),
  links: z.looseObject({ next: z.string().nullish() }).nullish(),
});

const triggerEnvelopeSchema = z.looseObject({ trigger: triggerSchema });

export type TriggerEvent = 'ticket.created' | 'comment.added';

export interface TriggerCondition {
  field: string;
  operator: string;
  value: string;
}

/** A ticket trigger as draftpilot sends it (POST/PUT body under `trigger`), once the webhook id is known. */
export interface TriggerSpec {
  title: string;
  active: true;
  conditions: { all: TriggerCondition[]; any: TriggerCondition[] };
  actions: [{ field: 'notification_webhook'; value: [string, string] }];
}

export interface TriggerPlan {
  title: string;
  event: TriggerEvent;
  /** what the trigger checks, for the report */
  conditions: TriggerSpec['conditions'];
  action: 'create' | 'update' | 'unchanged' | 'skipped';
  /** the existing trigger's id (update, unchanged) */
  id?: string;
  /** one line per difference: `active: false -> true`, `conditions: ...`, `webhook: ...`, `body: ...` */
  changes: string[];
  /** other triggers with the same title, left alone */
  others: string[];
}

/** The two triggers `--triggers` keeps: titles are how a re-run finds them. */
export const ZENDESK_TRIGGERS: readonly { title: string; event: TriggerEvent; conditions: TriggerSpec['conditions'] }[] = [
  {
    title: 'draftpilot: ticket created',
    event: 'ticket.created',
    conditions: { all: [{ field: 'update_type', operator: 'is', value: 'Create' }], any: [] },
  },
  {
    title: 'draftpilot: public comment by requester',
    event: 'comment.added',
    conditions: {
      all: [
        { field: 'update_type', operator: 'is', value: 'Change' },
        { field: 'comment_is_public', operator: 'is', value: 'true' },
        // "Requester is (current user)": the comment's author is the ticket's requester.
        { field: 'requester_id', operator: 'is', value: 'current_user' },
      ],
      any: [],
    },
  },
];

/** webhooks/zendesk/setup/trigger-body.json with `event` set: ids only, placeholders filled in by Zendesk. */
export function triggerBody(event: TriggerEvent): string {
  return JSON.stringify({ ...triggerBodyTemplate, event }, null, 2);
}

export function triggerSpec(trigger: { title: string; event: TriggerEvent; conditions: TriggerSpec['conditions'] }, webhookId: string): TriggerSpec {
  return {
    title: trigger.title,
    active: true,
    conditions: { all: trigger.conditions.all.map((c) => ({ ...c })), any: trigger.conditions.any.map((c) => ({ ...c })) },
    actions: [{ field: 'notification_webhook', value: [webhookId, triggerBody(trigger.event)] }],
  };
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** JSON with sorted keys, so a body Zendesk re-serialised compares equal to ours. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function sameBody(have: unknown, want: string): boolean {
  if (typeof have !== 'string') return false;
  try {
    return canonical(JSON.parse(have)) === canonical(JSON.parse(want));
  } catch {
    return have === want;
  }
}

const conditionText = (conditions: readonly { field: string; operator?: string | null; value?: unknown }[]) =>
  conditions.map((c) => `${c.field} ${c.operator ?? ''} ${scalar(c.value)}`.replace(/\s+/g, ' ').trim()).sort();

/** The webhook id a trigger notifies, when its only action is `notification_webhook`. */
export function notifiedWebhook(trigger: Trigger): { id: string; body: unknown } | undefined {
  const actions = trigger.actions ?? [];
  const action = actions[0];
  if (actions.length !== 1 || action?.field !== 'notification_webhook' || !Array.isArray(action.value)) return undefined;
  const [id, body] = action.value as unknown[];
  return { id: scalar(id), body };
}

/**
 * What differs between an existing trigger and the one draftpilot wants; `webhookId` undefined means
 * the trigger webhook is about to be created, so the trigger must be pointed at it.
 */
export function triggerChanges(existing: Trigger, want: { event: TriggerEvent; conditions: TriggerSpec['conditions'] }, webhookId: string | undefined): string[] {
  const changes: string[] = [];
  if (existing.active !== true) changes.push(`active: ${existing.active ?? '(none)'} -> true`);
  for (const part of ['all', 'any'] as const) {
    const have = conditionText(existing.conditions?.[part] ?? []);
    const wantText = conditionText(want.conditions[part]);
    if (have.length !== wantText.length || have.some((c, i) => c !== wantText[i])) {
      changes.push(`conditions (${part}): ${have.join(' and ') || '(none)'} -> ${wantText.join(' and ') || '(none)'}`);
    }
  }
  const notified = notifiedWebhook(existing);
  if (!notified) {
    const fields = (existing.actions ?? []).map((a) => a.field);
    changes.push(`actions: ${fields.join(', ') || '(none)'} -> notification_webhook only`);
  } else {
    if (webhookId === undefined) changes.push(`webhook: ${notified.id} -> the new "${ZENDESK_TRIGGER_WEBHOOK_NAME}" webhook`);
    else if (notified.id !== webhookId) changes.push(`webhook: ${notified.id || '(none)'} -> ${webhookId}`);
    if (!sameBody(notified.body, triggerBody(want.event))) changes.push(`body: -> trigger-body.json with "event": "${want.event}"`);
  }
  return changes;
}

export async function listDraftpilotTriggers(api: SetupApi): Promise<Trigger[]> {
  const titles = new Set(ZENDESK_TRIGGERS.map((t) => t.title));
  const found: Trigger[] = [];
  let next: string | undefined = `/api/v2/triggers/search.json?${new URLSearchParams({ query: 'draftpilot' }).toString()}`;
  for (let page = 0; next && page < MAX_PAGES; page++) {
    const answer: z.infer<typeof triggerListSchema> = await api.get(next, triggerListSchema);
    found.push(...answer.triggers.filter((t) => titles.has(t.title)));
    next = answer.next_page ?? (answer.meta?.has_more && answer.links?.next ? answer.links.next : undefined);
  }
  return found;
}

export function planTriggers(webhook: WebhookPlan, existing: readonly Trigger[]): TriggerPlan[] {
  return ZENDESK_TRIGGERS.map((want) => {
    const base = { title: want.title, event: want.event, conditions: want.conditions };
    const candidates = existing.filter((t) => t.title === want.title);
    if (webhook.action === 'conflict') return { ...base, action: 'skipped', changes: [], others: candidates.map((t) => t.id) };
    const webhookId = webhook.action === 'create' ? undefined : webhook.id;
    const chosen = candidates.find((t) => webhookId !== undefined && notifiedWebhook(t)?.id === webhookId) ?? candidates[0];
    const others = candidates.filter((t) => t !== chosen).map((t) => t.id);
    if (!chosen) return { ...base, action: 'create', changes: [], others };
    const changes = triggerChanges(chosen, want, webhookId);
    return { ...base, action: changes.length ? 'update' : 'unchanged', id: chosen.id, changes, others };
  });
}

export async function applyTrigger(api: SetupApi, trigger: TriggerPlan, webhookId: string | undefined): Promise<{ title: string; action: AppliedAction; id?: string }> {
  const { title } = trigger;
  if (trigger.action === 'skipped' || webhookId === undefined) return { title, action: 'skipped', ...(trigger.id !== undefined ? { id: trigger.id } : {}) };
  const body = { trigger: triggerSpec(trigger, webhookId) };
  switch (trigger.action) {
    case 'create': {
      const created = await api.post('/api/v2/triggers.json', body, triggerEnvelopeSchema);
      return { title, action: 'created', id: created.trigger.id };
    }
    case 'update':
      // 200 {trigger}; nothing in it is needed.
      await api.put(`/api/v2/triggers/${encodeURIComponent(trigger.id as string)}.json`, body, z.unknown());
      return { title, action: 'updated', id: trigger.id as string };
    case 'unchanged':
      return { title, action: 'unchanged', id: trigger.id as string };
  }
}
