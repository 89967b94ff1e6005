import { z } from 'zod';
import { DECISION_TAGS, draftpilotTags } from '../delivery/zendesk/request-body';
import { HelpdeskError } from '../helpdesk/http-error';
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
 */

export const ZENDESK_WEBHOOK_NAME = 'draftpilot';
export const ZENDESK_WEBHOOK_PATH = '/webhooks/zendesk';
export const ZENDESK_WEBHOOK_EVENTS = ['zen:event-type:ticket.created', 'zen:event-type:ticket.comment_added'] as const;
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
}

export type WebhookAction = 'create' | 'update' | 'unchanged' | 'conflict';

export interface ZendeskSetupPlan {
  provider: 'zendesk';
  baseUrl: string;
  /** the user the token acts as (GET /api/v2/users/me.json) */
  user: { id: string; name: string; email?: string; role?: string };
  botUser: { configured?: string; status: 'unset' | 'matches' | 'differs' };
  webhook: {
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
  };
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

async function listWebhooksNamed(api: SetupApi, name: string): Promise<Webhook[]> {
  const found: Webhook[] = [];
  let next: string | undefined = `/api/v2/webhooks?${new URLSearchParams({ 'filter[name_contains]': name, 'page[size]': '100' }).toString()}`;
  for (let page = 0; next && page < MAX_PAGES; page++) {
    const answer: z.infer<typeof webhookListSchema> = await api.get(next, webhookListSchema);
    found.push(...answer.webhooks.filter((w) => w.name === name));
    next = answer.meta?.has_more && answer.links?.next ? answer.links.next : undefined;
  }
  return found;
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

  const desired = desiredWebhook(options.publicUrl);
  const named = await listWebhooksNamed(api, ZENDESK_WEBHOOK_NAME);
  const eventConnected = named.filter((w) => !(w.subscriptions ?? []).includes(TRIGGER_CONNECTED));
  const chosen = eventConnected.find((w) => w.endpoint === desired.endpoint) ?? eventConnected[0];
  const others = named.filter((w) => w !== chosen).map((w) => w.id);
  let webhook: ZendeskSetupPlan['webhook'];
  if (chosen) {
    const changes = webhookChanges(chosen, desired);
    webhook = { action: changes.length ? 'update' : 'unchanged', id: chosen.id, desired, changes, others };
  } else if (named.length > 0) {
    const first = named[0] as Webhook;
    const conflict = `webhook "${ZENDESK_WEBHOOK_NAME}" (id ${first.id}) is connected to triggers or automations, and Zendesk cannot change a webhook's connection method: keep using it with the trigger body of webhooks/zendesk/setup/README.md, or rename or delete it in Admin Center > Apps and integrations > Webhooks and run setup again`;
    webhook = { action: 'conflict', id: first.id, desired, changes: [], conflict, others: named.slice(1).map((w) => w.id) };
    problems.push(conflict);
  } else {
    webhook = { action: 'create', desired, changes: [], others: [] };
  }
  if (webhook.others.length) {
    notes.push(`${webhook.others.length} other webhook(s) named "${ZENDESK_WEBHOOK_NAME}" left unchanged (id ${webhook.others.join(', ')}); two active ones would deliver each event twice (deduplicated, but twice the calls): delete the extra ones`);
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

  return { provider: 'zendesk', baseUrl: api.baseUrl, user, botUser, webhook, tags: zendeskTagNames(), escalation, problems, notes };
}

/**
 * Carries the plan out: POST or PUT the webhook when the plan says so (nothing else is written), then
 * read its signing secret. `configuredSecrets` (ZENDESK_WEBHOOK_SECRETS) decides whether the secret
 * still has to be handed to the operator.
 */
export async function applyZendeskSetup(api: SetupApi, plan: ZendeskSetupPlan, options: { configuredSecrets?: readonly string[] } = {}): Promise<ZendeskSetupResult> {
  const problems = [...plan.problems];
  const { webhook } = plan;
  let action: ZendeskSetupResult['webhook']['action'];
  let id = webhook.id;
  switch (webhook.action) {
    case 'create': {
      const created = await api.post('/api/v2/webhooks', { webhook: webhook.desired }, webhookEnvelopeSchema);
      id = created.webhook.id;
      action = 'created';
      break;
    }
    case 'update':
      // Zendesk answers 204 without a body.
      await api.put(`/api/v2/webhooks/${encodeURIComponent(webhook.id as string)}`, { webhook: webhook.desired }, z.unknown());
      action = 'updated';
      break;
    case 'unchanged':
      action = 'unchanged';
      break;
    case 'conflict':
      action = 'skipped';
      break;
  }
  let signingSecret: string | undefined;
  let secretConfigured = false;
  if (action !== 'skipped' && id !== undefined) {
    const secret = (await api.get(`/api/v2/webhooks/${encodeURIComponent(id)}/signing_secret`, signingSecretSchema)).signing_secret.secret;
    secretConfigured = (options.configuredSecrets ?? []).includes(secret);
    if (!secretConfigured) signingSecret = secret;
  }
  return { plan, webhook: { action, ...(id !== undefined ? { id } : {}) }, ...(signingSecret ? { signingSecret } : {}), secretConfigured, problems, ok: problems.length === 0 };
}
