import { z } from 'zod';
import triggerBodyTemplate from '../../webhooks/zendesk/setup/trigger-body.json';
import { DECISION_TAGS, draftpilotTags } from '../delivery/zendesk/request-body';
import { HelpdeskError } from '../helpdesk/helpdesk-error';
import { SUPPORTED_EVENT_TYPES } from '../edge/zendesk/schema';
import { REASONS } from '../policy/reasons';
import type { SetupApi } from './setup-api';

/**
 * `draftpilot setup zendesk`: the event-connected webhook draftpilot listens to, its signing secret,
 * and checks of the escalation group and the user the token acts as. Planning makes GET requests only;
 * applying creates or updates the webhook when (and only when) it differs from what draftpilot needs.
 *
 * Webhooks API (developer.zendesk.com/api-reference/webhooks/webhooks-api/webhooks/):
 * - GET  /api/v2/webhooks?filter[name_contains]=..&page[size]=100  -> {webhooks, meta{has_more}, links{next}}
 * - POST /api/v2/webhooks {webhook}                                -> 201 {webhook}
 * - PUT  /api/v2/webhooks/{id} {webhook}                           -> 204 (no body)
 * - GET  /api/v2/webhooks/{id}/signing_secret                      -> {signing_secret{algorithm, secret}}
 * A webhook's connection method (Zendesk events vs triggers/automations, `conditional_ticket_events`)
 * cannot be changed after creation, so a trigger-connected webhook of the same name is reported, not
 * rewritten.
 *
 * With `--triggers` (optional; the event webhook alone needs none) setup also keeps a trigger-connected
 * webhook `draftpilot-triggers` and two ticket triggers that notify it with the body of
 * webhooks/zendesk/setup/trigger-body.json (`triggerBodySchema`).
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

export const ZENDESK_WEBHOOK_NAME = 'draftpilot';
export const ZENDESK_WEBHOOK_PATH = '/webhooks/zendesk';
/** The events the event-connected webhook subscribes to: exactly the ones the edge accepts. */
export const ZENDESK_WEBHOOK_EVENTS = SUPPORTED_EVENT_TYPES;
export const ZENDESK_TRIGGER_WEBHOOK_NAME = 'draftpilot-triggers';
const TRIGGER_CONNECTED = 'conditional_ticket_events';
const MAX_PAGES = 20;

export interface WebhookSpec {
  name: string;
  endpoint: string;
  http_method: 'POST';
  request_format: 'json';
  status: 'active';
  subscriptions: string[];
}

const webhookSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  name: z.string(),
  endpoint: z.string().nullish(),
  http_method: z.string().nullish(),
  request_format: z.string().nullish(),
  status: z.string().nullish(),
  subscriptions: z.array(z.string()).nullish(),
});
type Webhook = z.infer<typeof webhookSchema>;

const webhookListSchema = z.looseObject({
  webhooks: z.array(webhookSchema),
  meta: z.looseObject({ has_more: z.boolean().nullish() }).nullish(),
  links: z.looseObject({ next: z.string().nullish() }).nullish(),
});
const webhookEnvelopeSchema = z.looseObject({ webhook: webhookSchema });
const conditionSchema = z.looseObject({ field: z.string(), operator: z.string().nullish(), value: z.unknown() });
const triggerSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  title: z.string(),
  active: z.boolean().nullish(),
  conditions: z.looseObject({ all: z.array(conditionSchema).nullish(), any: z.array(conditionSchema).nullish() }).nullish(),
  actions: z.array(z.looseObject({ field: z.string(), value: z.unknown() })).nullish(),
});
type Trigger = z.infer<typeof triggerSchema>;
const triggerListSchema = z.looseObject({
  triggers: z.array(triggerSchema),
  next_page: z.string().nullish(),
  meta: z.looseObject({ has_more: z.boolean().nullish() }).nullish(),
  links: z.looseObject({ next: z.string().nullish() }).nullish(),
});
const triggerEnvelopeSchema = z.looseObject({ trigger: triggerSchema });
const signingSecretSchema = z.looseObject({ signing_secret: z.looseObject({ secret: z.string().min(1), algorithm: z.string().nullish() }) });
const groupSchema = z.looseObject({ id: z.union([z.string(), z.number()]).transform(String), name: z.string(), deleted: z.boolean().nullish() });
const groupEnvelopeSchema = z.looseObject({ group: groupSchema });
const groupListSchema = z.looseObject({ groups: z.array(groupSchema), next_page: z.string().nullish() });
const meSchema = z.looseObject({
  user: z.looseObject({
    id: z.union([z.string(), z.number()]).nullish().transform((v) => (v === null || v === undefined ? undefined : String(v))),
    name: z.string().nullish(),
    email: z.string().nullish(),
    role: z.string().nullish(),
  }),
});

export interface NamedRef {
  id: string;
  name: string;
}

export interface ZendeskSetupOptions {
  /** draftpilot's public base URL, e.g. https://draftpilot.example.com (no path) */
  publicUrl: string;
  /** ZENDESK_ESCALATION_GROUP_ID */
  escalationGroupId?: string;
  /** ZENDESK_BOT_USER_ID */
  botUserId?: string;
  /** `--triggers`: also the trigger-connected webhook and the two triggers that call it */
  triggers?: boolean;
}

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

export interface ZendeskTriggersPlan {
  webhook: WebhookPlan;
  triggers: TriggerPlan[];
}

export interface ZendeskSetupPlan {
  provider: 'zendesk';
  baseUrl: string;
  /** the user the token acts as (GET /api/v2/users/me.json) */
  user: { id: string; name: string; email?: string; role?: string };
  botUser: { configured?: string; status: 'unset' | 'matches' | 'differs' };
  webhook: WebhookPlan;
  /** only with `--triggers`: the trigger-connected webhook and its two triggers */
  triggers?: ZendeskTriggersPlan;
  /** the tags draftpilot writes; nothing to create in Zendesk */
  tags: string[];
  escalation: {
    configured?: string;
    status: 'ok' | 'missing' | 'unset';
    group?: NamedRef;
    /** the account's groups (first 100), to pick one from */
    groups: NamedRef[];
    suggested?: NamedRef;
  };
  /** what would stop draftpilot from working: the CLI exits 1 when there are any */
  problems: string[];
  notes: string[];
}

export interface ZendeskSetupResult {
  plan: ZendeskSetupPlan;
  webhook: { action: 'created' | 'updated' | 'unchanged' | 'skipped'; id?: string };
  /**
   * The webhook's signing secret, for the single line the CLI prints. Absent when it is already in
   * ZENDESK_WEBHOOK_SECRETS (nothing to do) or the webhook could not be set up.
   */
  signingSecret?: string;
  /** the secret was read and is already one of ZENDESK_WEBHOOK_SECRETS */
  secretConfigured: boolean;
  /** only with `--triggers` */
  triggerWebhook?: { action: 'created' | 'updated' | 'unchanged' | 'skipped'; id?: string };
  triggers?: { title: string; action: 'created' | 'updated' | 'unchanged' | 'skipped'; id?: string }[];
  /** the trigger webhook's signing secret when it is not in ZENDESK_WEBHOOK_SECRETS yet */
  triggerSigningSecret?: string;
  triggerSecretConfigured?: boolean;
  /**
   * The value for the one ZENDESK_WEBHOOK_SECRETS line: the secrets of every webhook set up in this run
   * (event webhook first), present when at least one of them is not configured yet.
   */
  secretsToSet?: string[];
  problems: string[];
  ok: boolean;
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

/** Every tag a delivery may add (decision and reason tags; category tags follow the categories file). */
export function zendeskTagNames(): string[] {
  const all = (Object.keys(DECISION_TAGS) as (keyof typeof DECISION_TAGS)[]).flatMap((decision) => draftpilotTags({ decision, reasons: [...REASONS], category: '' }));
  return [...new Set([...Object.values(DECISION_TAGS), ...all])];
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
async function listWebhooks(api: SetupApi, contains: string): Promise<Webhook[]> {
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
function notifiedWebhook(trigger: Trigger): { id: string; body: unknown } | undefined {
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

async function listDraftpilotTriggers(api: SetupApi): Promise<Trigger[]> {
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

/**
 * The webhook named `desired.name` with the wanted connection (Zendesk events, or triggers when
 * `triggerConnected`): update or keep the best match, create one when none exists, and report a
 * same-named webhook of the other connection (Zendesk cannot change it).
 */
function planWebhook(all: readonly Webhook[], desired: WebhookSpec, triggerConnected: boolean): { webhook: WebhookPlan; problem?: string } {
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

function planTriggers(webhook: WebhookPlan, existing: readonly Trigger[]): TriggerPlan[] {
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

async function listGroups(api: SetupApi): Promise<NamedRef[]> {
  const answer = await api.get('/api/v2/groups.json', groupListSchema);
  return answer.groups.filter((g) => !g.deleted).map((g) => ({ id: g.id, name: g.name }));
}

const ESCALATION_NAME = /escalat|tier\s*-?\s*2|level\s*-?\s*2|\bl2\b|\bt2\b|second\s+line|specialist/i;

/** A group (or team) whose name reads like an escalation target, or the only one there is. */
export function suggestTarget(items: readonly NamedRef[]): NamedRef | undefined {
  return items.find((g) => ESCALATION_NAME.test(g.name)) ?? (items.length === 1 ? items[0] : undefined);
}

/** What setup would do, from GET requests only. */
export async function planZendeskSetup(api: SetupApi, options: ZendeskSetupOptions): Promise<ZendeskSetupPlan> {
  const problems: string[] = [];
  const notes: string[] = [];

  const me = (await api.get('/api/v2/users/me.json', meSchema)).user;
  if (!me.id) {
    // Zendesk answers /users/me for an unauthenticated caller with an anonymous user instead of a 401.
    throw new HelpdeskError('zendesk', 401, 'zendesk_unauthorized', 'zendesk GET /api/v2/users/me.json answered as an anonymous user: the credentials were not accepted', true);
  }
  const user = { id: me.id, name: me.name ?? '(no name)', ...(me.email ? { email: me.email } : {}), ...(me.role ? { role: me.role } : {}) };
  if (me.role && me.role !== 'admin') {
    notes.push(`the token acts as ${user.name} with role "${me.role}": managing webhooks needs an admin (or a custom role allowed to manage webhooks)`);
  }
  const botUser: ZendeskSetupPlan['botUser'] = options.botUserId
    ? { configured: options.botUserId, status: options.botUserId === user.id ? 'matches' : 'differs' }
    : { status: 'unset' };

  const listed = await listWebhooks(api, ZENDESK_WEBHOOK_NAME);
  const { webhook, problem } = planWebhook(listed, desiredWebhook(options.publicUrl), false);
  if (problem) problems.push(problem);
  if (webhook.others.length) {
    notes.push(`${webhook.others.length} other webhook(s) named "${ZENDESK_WEBHOOK_NAME}" left unchanged (id ${webhook.others.join(', ')}); two active ones would deliver each event twice (deduplicated, but twice the calls): delete the extra ones`);
  }

  let triggers: ZendeskTriggersPlan | undefined;
  if (options.triggers) {
    const planned = planWebhook(listed, desiredTriggerWebhook(options.publicUrl), true);
    if (planned.problem) problems.push(planned.problem);
    if (planned.webhook.others.length) {
      notes.push(`${planned.webhook.others.length} other webhook(s) named "${ZENDESK_TRIGGER_WEBHOOK_NAME}" left unchanged (id ${planned.webhook.others.join(', ')}): delete the extra ones`);
    }
    const existing = await listDraftpilotTriggers(api);
    const items = planTriggers(planned.webhook, existing);
    for (const t of items) {
      if (t.others.length) notes.push(`${t.others.length} other trigger(s) titled "${t.title}" left unchanged (id ${t.others.join(', ')}); each active one sends its own delivery: deactivate or delete the extra ones`);
    }
    triggers = { webhook: planned.webhook, triggers: items };
  }

  let escalation: ZendeskSetupPlan['escalation'];
  if (options.escalationGroupId) {
    const id = options.escalationGroupId;
    let group: NamedRef | undefined;
    try {
      const g = (await api.get(`/api/v2/groups/${encodeURIComponent(id)}.json`, groupEnvelopeSchema)).group;
      if (!g.deleted) group = { id: g.id, name: g.name };
    } catch (err) {
      if (!(err instanceof HelpdeskError) || err.status !== 404) throw err;
    }
    if (group) {
      escalation = { configured: id, status: 'ok', group, groups: [] };
    } else {
      const groups = await listGroups(api);
      const suggested = suggestTarget(groups);
      escalation = { configured: id, status: 'missing', groups, ...(suggested ? { suggested } : {}) };
      problems.push(`ZENDESK_ESCALATION_GROUP_ID=${id}: no such group in this account (escalations would fail to route); set it to one of the groups listed`);
    }
  } else {
    const groups = await listGroups(api);
    const suggested = suggestTarget(groups);
    escalation = { status: 'unset', groups, ...(suggested ? { suggested } : {}) };
  }

  return { provider: 'zendesk', baseUrl: api.baseUrl, user, botUser, webhook, ...(triggers ? { triggers } : {}), tags: zendeskTagNames(), escalation, problems, notes };
}

type AppliedAction = ZendeskSetupResult['webhook']['action'];

async function applyWebhook(api: SetupApi, webhook: WebhookPlan): Promise<{ action: AppliedAction; id?: string }> {
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

async function applyTrigger(api: SetupApi, trigger: TriggerPlan, webhookId: string | undefined): Promise<{ title: string; action: AppliedAction; id?: string }> {
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

async function readSecret(api: SetupApi, webhookId: string): Promise<string> {
  return (await api.get(`/api/v2/webhooks/${encodeURIComponent(webhookId)}/signing_secret`, signingSecretSchema)).signing_secret.secret;
}

/**
 * Carries the plan out: POST or PUT the webhook (and, with `--triggers`, the trigger webhook and its
 * triggers) when the plan says so (nothing else is written), then read the signing secrets.
 * `configuredSecrets` (ZENDESK_WEBHOOK_SECRETS) decides whether a secret still has to be handed to the
 * operator.
 */
export async function applyZendeskSetup(api: SetupApi, plan: ZendeskSetupPlan, options: { configuredSecrets?: readonly string[] } = {}): Promise<ZendeskSetupResult> {
  const problems = [...plan.problems];
  const configured = options.configuredSecrets ?? [];
  const webhook = await applyWebhook(api, plan.webhook);

  let triggerWebhook: ZendeskSetupResult['triggerWebhook'];
  let triggers: ZendeskSetupResult['triggers'];
  if (plan.triggers) {
    triggerWebhook = await applyWebhook(api, plan.triggers.webhook);
    const webhookId = triggerWebhook.action === 'skipped' ? undefined : triggerWebhook.id;
    triggers = [];
    for (const t of plan.triggers.triggers) triggers.push(await applyTrigger(api, t, webhookId));
  }

  const read: string[] = [];
  let signingSecret: string | undefined;
  let secretConfigured = false;
  if (webhook.action !== 'skipped' && webhook.id !== undefined) {
    const secret = await readSecret(api, webhook.id);
    read.push(secret);
    secretConfigured = configured.includes(secret);
    if (!secretConfigured) signingSecret = secret;
  }
  let triggerSigningSecret: string | undefined;
  let triggerSecretConfigured: boolean | undefined;
  if (triggerWebhook && triggerWebhook.action !== 'skipped' && triggerWebhook.id !== undefined) {
    const secret = await readSecret(api, triggerWebhook.id);
    read.push(secret);
    triggerSecretConfigured = configured.includes(secret);
    if (!triggerSecretConfigured) triggerSigningSecret = secret;
  }
  const secretsToSet = signingSecret !== undefined || triggerSigningSecret !== undefined ? [...new Set(read)] : undefined;

  return {
    plan,
    webhook,
    ...(signingSecret ? { signingSecret } : {}),
    secretConfigured,
    ...(triggerWebhook ? { triggerWebhook } : {}),
    ...(triggers ? { triggers } : {}),
    ...(triggerSigningSecret ? { triggerSigningSecret } : {}),
    ...(triggerSecretConfigured !== undefined ? { triggerSecretConfigured } : {}),
    ...(secretsToSet ? { secretsToSet } : {}),
    problems,
    ok: problems.length === 0,
  };
}
