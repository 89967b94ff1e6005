import { z } from 'zod';
import { allTagNames, createTagBody } from '../delivery/intercom/request-bodies';
import { HelpdeskError } from '../helpdesk/helpdesk-error';
import { REASONS } from '../policy/reasons';
import type { SetupApi } from './setup-api';
import { NamedRef, suggestTarget } from './zendesk-setup';

/**
 * `draftpilot setup intercom`: checks the token (GET /me), the admin draftpilot writes as and the
 * escalation team, creates the tags the writer uses, and lists what to enter in the Developer Hub
 * (Intercom has no API to create an app's webhook subscriptions: they are set on the app's Webhooks page).
 *
 * API 2.14 (the version every draftpilot call sends):
 * - GET  /me           -> admin with the embedded app (workspace): {id, name, email, app{id_code, name, region}}
 * - GET  /admins/{id}  -> admin
 * - GET  /tags         -> {type:"list", data:[{type:"tag", id, name}]}
 * - POST /tags {name}  -> tag; creates it, or returns the tag of that name (case-insensitive)
 * - GET  /teams        -> {type:"team.list", teams:[{type:"team", id, name}]}
 */

export const INTERCOM_WEBHOOK_PATH = '/webhooks/intercom';
export const INTERCOM_WEBHOOK_TOPICS = [
  'conversation.user.created',
  'conversation.user.replied',
  'conversation.admin.replied',
  'conversation.admin.noted',
  'conversation.admin.closed',
  'conversation.admin.assigned',
] as const;

const id = z.union([z.string(), z.number()]).transform(String);
const meSchema = z.looseObject({
  id,
  name: z.string().nullish(),
  email: z.string().nullish(),
  app: z.looseObject({ id_code: z.string().nullish(), name: z.string().nullish(), region: z.string().nullish() }).nullish(),
});
const adminSchema = z.looseObject({ id, name: z.string().nullish(), email: z.string().nullish() });
const tagSchema = z.looseObject({ id, name: z.string() });
const tagListSchema = z.looseObject({ data: z.array(tagSchema) });
const teamListSchema = z.looseObject({ teams: z.array(z.looseObject({ id, name: z.string() })) });

export interface IntercomSetupOptions {
  /** draftpilot's public base URL; absent: the webhook URL is shown as a placeholder */
  publicUrl?: string;
  /** INTERCOM_ADMIN_ID */
  adminId?: string;
  /** INTERCOM_ESCALATION_TEAM_ID */
  escalationTeamId?: string;
  /** how many INTERCOM_CLIENT_SECRETS are set (never the secrets themselves) */
  clientSecretsConfigured: number;
}

export interface IntercomSetupPlan {
  provider: 'intercom';
  baseUrl: string;
  /** the admin behind the token and the workspace it belongs to */
  me: { adminId: string; name: string; email?: string; workspaceId?: string; workspaceName?: string; region?: string };
  admin: { configured?: string; status: 'unset' | 'matches' | 'other' | 'missing'; name?: string };
  tags: { wanted: string[]; existing: NamedRef[]; missing: string[] };
  team: { configured?: string; status: 'ok' | 'missing' | 'unset'; team?: NamedRef; teams: NamedRef[]; suggested?: NamedRef };
  webhook: { url?: string; topics: string[]; clientSecretsConfigured: number };
  problems: string[];
  notes: string[];
}

export interface IntercomSetupResult {
  plan: IntercomSetupPlan;
  created: NamedRef[];
  problems: string[];
  ok: boolean;
}

export function intercomWebhookUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${INTERCOM_WEBHOOK_PATH}`;
}

/** What setup would do, from GET requests only. */
export async function planIntercomSetup(api: SetupApi, options: IntercomSetupOptions): Promise<IntercomSetupPlan> {
  const problems: string[] = [];
  const notes: string[] = [];

  const me = await api.get('/me', meSchema);
  const plannedMe: IntercomSetupPlan['me'] = {
    adminId: me.id,
    name: me.name ?? '(no name)',
    ...(me.email ? { email: me.email } : {}),
    ...(me.app?.id_code ? { workspaceId: me.app.id_code } : {}),
    ...(me.app?.name ? { workspaceName: me.app.name } : {}),
    ...(me.app?.region ? { region: me.app.region } : {}),
  };

  let admin: IntercomSetupPlan['admin'];
  if (!options.adminId) {
    admin = { status: 'unset' };
  } else if (options.adminId === me.id) {
    admin = { configured: options.adminId, status: 'matches', name: plannedMe.name };
  } else {
    try {
      const other = await api.get(`/admins/${encodeURIComponent(options.adminId)}`, adminSchema);
      admin = { configured: options.adminId, status: 'other', name: other.name ?? '(no name)' };
    } catch (err) {
      if (!(err instanceof HelpdeskError) || err.status !== 404) throw err;
      admin = { configured: options.adminId, status: 'missing' };
      problems.push(`INTERCOM_ADMIN_ID=${options.adminId}: no such admin in this workspace (notes would be refused); the token's admin is ${me.id}`);
    }
  }

  const wanted = allTagNames(REASONS);
  const existingTags = (await api.get('/tags', tagListSchema)).data;
  const byName = new Map(existingTags.map((t) => [t.name.toLowerCase(), t] as const));
  const existing: NamedRef[] = [];
  const missing: string[] = [];
  for (const name of wanted) {
    const tag = byName.get(name.toLowerCase());
    if (tag) existing.push({ id: tag.id, name: tag.name });
    else missing.push(name);
  }

  const teams = (await api.get('/teams', teamListSchema)).teams.map((t) => ({ id: t.id, name: t.name }));
  let team: IntercomSetupPlan['team'];
  const suggested = suggestTarget(teams);
  if (options.escalationTeamId) {
    const found = teams.find((t) => t.id === options.escalationTeamId);
    if (found) {
      team = { configured: options.escalationTeamId, status: 'ok', team: found, teams };
    } else {
      team = { configured: options.escalationTeamId, status: 'missing', teams, ...(suggested ? { suggested } : {}) };
      problems.push(`INTERCOM_ESCALATION_TEAM_ID=${options.escalationTeamId}: no such team in this workspace (escalations would fail to route); set it to one of the teams listed`);
    }
  } else {
    team = { status: 'unset', teams, ...(suggested ? { suggested } : {}) };
  }

  if (!options.publicUrl) notes.push('pass --url https://<your host> to print the exact webhook URL');
  return {
    provider: 'intercom',
    baseUrl: api.baseUrl,
    me: plannedMe,
    admin,
    tags: { wanted, existing, missing },
    team,
    webhook: { ...(options.publicUrl ? { url: intercomWebhookUrl(options.publicUrl) } : {}), topics: [...INTERCOM_WEBHOOK_TOPICS], clientSecretsConfigured: options.clientSecretsConfigured },
    problems,
    notes,
  };
}

/** Creates the missing tags, one POST /tags each; nothing else is written. */
export async function applyIntercomSetup(api: SetupApi, plan: IntercomSetupPlan): Promise<IntercomSetupResult> {
  const created: NamedRef[] = [];
  for (const name of plan.tags.missing) {
    const tag = await api.post('/tags', createTagBody(name), tagSchema);
    created.push({ id: tag.id, name: tag.name });
  }
  return { plan, created, problems: [...plan.problems], ok: plan.problems.length === 0 };
}
