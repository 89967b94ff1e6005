import { z } from 'zod';
import { SUPPORTED_EVENT_TYPES } from '../edge/zendesk/schema';
import type { SetupApi } from './setup-api';

/**
 * The Zendesk webhooks `draftpilot setup zendesk` keeps: the event-connected `draftpilot` (and, with
 * `--triggers`, the trigger-connected `draftpilot-triggers`), how an existing one is compared and
 * updated, and its signing secret.
 *
 * Webhooks API (developer.zendesk.com/api-reference/webhooks/webhooks-api/webhooks/):
 * - GET  /api/v2/webhooks?filter[name_contains]=..&page[size]=100  -> {webhooks, meta{has_more}, links{next}}
 * - POST /api/v2/webhooks {webhook}                                -> 201 {webhook}
 * - PUT  /api/v2/webhooks/{id} {webhook}                           -> 204 (no body)
 * - GET  /api/v2/webhooks/{id}/signing_secret                      -> {signing_secret{algorithm, secret}}
 * A webhook's connection method (Zendesk events vs triggers/automations, `conditional_ticket_events`)
 * cannot be changed after creation, so a same-named webhook of the other connection is reported, not
 * rewritten.
 */

export const ZENDESK_WEBHOOK_NAME = 'draftpilot';

export const ZENDESK_WEBHOOK_PATH = '/webhooks/zendesk';

/** The events the event-connected webhook subscribes to: exactly the ones the edge accepts. */
export const ZENDESK_WEBHOOK_EVENTS = SUPPORTED_EVENT_TYPES;

export const ZENDESK_TRIGGER_WEBHOOK_NAME = 'draftpilot-triggers';

export const TRIGGER_CONNECTED = 'conditional_ticket_events';

export const MAX_PAGES = 20;

export interface WebhookSpec {
  name: string;
  endpoint: string;
  http_method: 'POST';
  request_format: 'json';
  status: 'active';
  subscriptions: string[];
}

export const webhookSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  name: z.string(),
  endpoint: z.string().nullish(),
  http_method: z.string().nullish(),
  request_format: z.string().nullish(),
  status: z.string().nullish(),
  subscriptions: z.array(z.string()).nullish(),
});

export type Webhook = z.infer<typeof webhookSchema>;

const webhookListSchema = z.looseObject({
  webhooks: z.array(webhookSchema),
  meta: z.looseObject({ has_more: z.boolean().nullish() }).nullish(),
  links: z.looseObject({ next: z.string().nullish() }).nullish(),
});

const webhookEnvelopeSchema = z.looseObject({ webhook: webhookSchema });

const signingSecretSchema = z.looseObject({ signing_secret: z.looseObject({ secret: z.string().min(1), algorithm: z.string().nullish() }) });

export type WebhookAction = 'create' | 'update' | 'unchanged' | 'conflict';

export interface WebhookPlan {
  action: WebhookAction;
  /** the existing webhook's id (update, unchanged, conflict) */
  id?: string;
  desired: WebhookSpec;
  /** one line per field that differs: `endpoint: old -> new` */
  changes: string[];
  /** why a conflicting webhook cannot be updated */
  conflict?: string;
  /** other webhooks with the same name, left alone */
  others: string[];
}

export function webhookEndpoint(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${ZENDESK_WEBHOOK_PATH}`;
}

export function desiredWebhook(publicUrl: string): WebhookSpec {
  return {
    name: ZENDESK_WEBHOOK_NAME,
    endpoint: webhookEndpoint(publicUrl),
    http_method: 'POST',
    request_format: 'json',
    status: 'active',
    subscriptions: [...ZENDESK_WEBHOOK_EVENTS],
  };
}

/** The fields draftpilot sets, compared one by one; subscriptions as a set. */
export function webhookChanges(existing: Webhook, desired: WebhookSpec): string[] {
  const changes: string[] = [];
  for (const field of ['endpoint', 'http_method', 'request_format', 'status'] as const) {
    const have = existing[field] ?? undefined;
    if (field === 'http_method' || field === 'request_format') {
      if ((have ?? '').toLowerCase() !== desired[field].toLowerCase()) changes.push(`${field}: ${have ?? '(none)'} -> ${desired[field]}`);
    } else if (have !== desired[field]) {
      changes.push(`${field}: ${have ?? '(none)'} -> ${desired[field]}`);
    }
  }
  const have = [...new Set(existing.subscriptions ?? [])].sort();
  const want = [...desired.subscriptions].sort();
  if (have.length !== want.length || have.some((s, i) => s !== want[i])) {
    changes.push(`subscriptions: ${have.join(', ') || '(none)'} -> ${want.join(', ')}`);
  }
  return changes;
}

/** Every webhook whose name contains `contains` (one listing serves both draftpilot webhooks). */
export async function listWebhooks(api: SetupApi, contains: string): Promise<Webhook[]> {
  const found: Webhook[] = [];
  let next: string | undefined = `/api/v2/webhooks?${new URLSearchParams({ 'filter[name_contains]': contains, 'page[size]': '100' }).toString()}`;
  for (let page = 0; next && page < MAX_PAGES; page++) {
    const answer: z.infer<typeof webhookListSchema> = await api.get(next, webhookListSchema);
    found.push(...answer.webhooks);
    next = answer.meta?.has_more && answer.links?.next ? answer.links.next : undefined;
  }
  return found;
}

export function desiredTriggerWebhook(publicUrl: string): WebhookSpec {
  return { ...desiredWebhook(publicUrl), name: ZENDESK_TRIGGER_WEBHOOK_NAME, subscriptions: [TRIGGER_CONNECTED] };
}

/**
 * The webhook named `desired.name` with the wanted connection (Zendesk events, or triggers when
 * `triggerConnected`): update or keep the best match, create one when none exists, and report a
 * same-named webhook of the other connection (Zendesk cannot change it).
 */
export function planWebhook(all: readonly Webhook[], desired: WebhookSpec, triggerConnected: boolean): { webhook: WebhookPlan; problem?: string } {
  const named = all.filter((w) => w.name === desired.name);
  const eligible = named.filter((w) => (w.subscriptions ?? []).includes(TRIGGER_CONNECTED) === triggerConnected);
  const chosen = eligible.find((w) => w.endpoint === desired.endpoint) ?? eligible[0];
  if (chosen) {
    const changes = webhookChanges(chosen, desired);
    return { webhook: { action: changes.length ? 'update' : 'unchanged', id: chosen.id, desired, changes, others: named.filter((w) => w !== chosen).map((w) => w.id) } };
  }
  if (named.length > 0) {
    const first = named[0] as Webhook;
    const conflict = triggerConnected
      ? `webhook "${desired.name}" (id ${first.id}) is connected to Zendesk events, and Zendesk cannot change a webhook's connection method: rename or delete it in Admin Center > Apps and integrations > Webhooks and run setup --triggers again`
      : `webhook "${desired.name}" (id ${first.id}) is connected to triggers or automations, and Zendesk cannot change a webhook's connection method: keep using it with the trigger body of webhooks/zendesk/setup/README.md, or rename or delete it in Admin Center > Apps and integrations > Webhooks and run setup again`;
    return { webhook: { action: 'conflict', id: first.id, desired, changes: [], conflict, others: named.slice(1).map((w) => w.id) }, problem: conflict };
  }
  return { webhook: { action: 'create', desired, changes: [], others: [] } };
}

/** What applying did to one webhook or trigger. */
export type AppliedAction = 'created' | 'updated' | 'unchanged' | 'skipped';

export async function applyWebhook(api: SetupApi, webhook: WebhookPlan): Promise<{ action: AppliedAction; id?: string }> {
  switch (webhook.action) {
    case 'create': {
      const created = await api.post('/api/v2/webhooks', { webhook: webhook.desired }, webhookEnvelopeSchema);
      return { action: 'created', id: created.webhook.id };
    }
    case 'update':
      // Zendesk answers 204 without a body.
      await api.put(`/api/v2/webhooks/${encodeURIComponent(webhook.id as string)}`, { webhook: webhook.desired }, z.unknown());
      return { action: 'updated', id: webhook.id as string };
    case 'unchanged':
      return { action: 'unchanged', id: webhook.id as string };
    case 'conflict':
      return { action: 'skipped', ...(webhook.id !== undefined ? { id: webhook.id } : {}) };
  }
}

export async function readSecret(api: SetupApi, webhookId: string): Promise<string> {
  return (await api.get(`/api/v2/webhooks/${encodeURIComponent(webhookId)}/signing_secret`, signingSecretSchema)).signing_secret.secret;
}
