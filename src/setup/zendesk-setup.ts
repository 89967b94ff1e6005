import { z } from 'zod';
import { DECISION_TAGS, draftpilotTags } from '../delivery/zendesk/request-body';
import { HelpdeskError } from '../helpdesk/helpdesk-error';
import { REASONS } from '../policy/reasons';
import type { SetupApi } from './setup-api';
import { applyTrigger, listDraftpilotTriggers, planTriggers, TriggerPlan } from './zendesk-triggers';
import { AppliedAction, applyWebhook, desiredTriggerWebhook, desiredWebhook, listWebhooks, planWebhook, readSecret, WebhookPlan, ZENDESK_TRIGGER_WEBHOOK_NAME, ZENDESK_WEBHOOK_NAME } from './zendesk-webhooks';

/**
 * `draftpilot setup zendesk`: the event-connected webhook draftpilot listens to, its signing secret,
 * and checks of the escalation group and the user the token acts as. Planning makes GET requests only;
 * applying creates or updates the webhook when (and only when) it differs from what draftpilot needs.
 * With `--triggers` (optional; the event webhook alone needs none) it also keeps the trigger-connected
 * webhook and its two triggers (zendesk-triggers.ts).
 */

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
  webhook: { action: AppliedAction; id?: string };
  /**
   * The webhook's signing secret, for the single line the CLI prints. Absent when it is already in
   * ZENDESK_WEBHOOK_SECRETS (nothing to do) or the webhook could not be set up.
   */
  signingSecret?: string;
  /** the secret was read and is already one of ZENDESK_WEBHOOK_SECRETS */
  secretConfigured: boolean;
  /** only with `--triggers` */
  triggerWebhook?: { action: AppliedAction; id?: string };
  triggers?: { title: string; action: AppliedAction; id?: string }[];
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

/** Every tag a delivery may add (decision and reason tags; category tags follow the categories file). */
export function zendeskTagNames(): string[] {
  const all = (Object.keys(DECISION_TAGS) as (keyof typeof DECISION_TAGS)[]).flatMap((decision) => draftpilotTags({ decision, reasons: [...REASONS], category: '' }));
  return [...new Set([...Object.values(DECISION_TAGS), ...all])];
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
