import type { IntercomSetupPlan, IntercomSetupResult } from './intercom-setup';
import type { NamedRef, ZendeskSetupPlan, ZendeskSetupResult, ZendeskTriggersPlan } from './zendesk-setup';
import type { WebhookPlan } from './zendesk-webhooks';

/**
 * The text `draftpilot setup` prints, from the structured plans and results. Kept apart from the
 * planners so the plans stay data (tests assert on them) and the wording lives in one place.
 * A signing secret appears in at most one line: the ZENDESK_WEBHOOK_SECRETS line of an applied run that
 * did not store it (--no-store, or the .env file could not be written). A stored secret is never printed.
 */

/** What became of the ZENDESK_WEBHOOK_SECRETS value of an applied run. */
export type SecretStorage =
  | { kind: 'print' }
  | {
      kind: 'stored';
      /** the .env file, absolute */
      path: string;
      /** false: the file held exactly this line already */
      changed: boolean;
      /** previously configured secrets kept after the new ones */
      kept: number;
      /** the variable is set in the environment the command ran with, which wins over the file */
      environmentWins: boolean;
    }
  | { kind: 'failed'; path: string };

const LABEL = 22;
const row = (label: string, text: string) => `  ${label.padEnd(LABEL)}${text}`;
const more = (text: string) => `  ${' '.repeat(LABEL)}${text}`;

/** A long list as indented lines of at most ~100 characters. */
function wrapped(items: readonly string[], width = 100 - LABEL): string[] {
  const lines: string[] = [];
  let current = '';
  for (const item of items) {
    const next = current ? `${current}, ${item}` : item;
    if (current && next.length > width) {
      lines.push(`${current},`);
      current = item;
    } else {
      current = next;
    }
  }
  if (current) lines.push(current);
  return lines.map(more);
}

function listRefs(items: readonly NamedRef[], suggested: NamedRef | undefined, limit = 10): string {
  const shown = items.slice(0, limit).map((g) => `${g.id} "${g.name}"${suggested && g.id === suggested.id ? ' (suggested)' : ''}`);
  return shown.join(', ') + (items.length > limit ? `, and ${items.length - limit} more` : '');
}

export function header(provider: 'zendesk' | 'intercom', dryRun: boolean): string[] {
  return [`draftpilot setup ${provider}${dryRun ? ' --dry-run: GET requests only, nothing in the account is changed' : ''}`, ''];
}

const WEBHOOK_ACTION: Record<ZendeskSetupPlan['webhook']['action'], string> = {
  create: 'create',
  update: 'update',
  unchanged: 'unchanged (matches)',
  conflict: 'cannot be set up (see problems)',
};

/** The plan's signing-secret rows: printed (--no-store) or stored in options.storeIn. */
function secretPlanRows(options: { dryRun: boolean; storeIn?: string }): string[] {
  if (!options.storeIn) {
    return [row('signing secret', options.dryRun ? 'read after the webhook is set up and printed for ZENDESK_WEBHOOK_SECRETS (not read in a dry run)' : 'read after the webhook is set up, for ZENDESK_WEBHOOK_SECRETS')];
  }
  return [
    row('signing secret', options.dryRun ? `not read in a dry run; a run would store the signing secret in ${options.storeIn}` : `read after the webhook is set up and stored in ${options.storeIn}`),
    more('(ZENDESK_WEBHOOK_SECRETS: the new secret first, the configured ones kept after it) unless it is there already'),
  ];
}

/** `storeIn`: the .env file the signing secret goes to (absent with --no-store: it is printed). */
export function formatZendeskPlan(plan: ZendeskSetupPlan, options: { dryRun: boolean; storeIn?: string }): string[] {
  const { webhook, escalation, user } = plan;
  const lines: string[] = [];
  lines.push(`Zendesk ${plan.baseUrl}: the token acts as ${user.name} (user ${user.id}${user.role ? `, ${user.role}` : ''})`, '');
  lines.push(options.dryRun ? 'Plan (what a run without --dry-run would do)' : 'Plan');
  lines.push(row(`webhook "${webhook.desired.name}"`, `${WEBHOOK_ACTION[webhook.action]}${webhook.id ? ` (id ${webhook.id})` : ''}`));
  if (webhook.action === 'conflict') {
    lines.push(more(webhook.conflict ?? ''));
  } else {
    lines.push(more(`endpoint ${webhook.desired.endpoint}`));
    lines.push(more(`events   ${webhook.desired.subscriptions.join(', ')}`));
    lines.push(more(`${webhook.desired.http_method}, ${webhook.desired.request_format}, ${webhook.desired.status}`));
    for (const change of webhook.changes) lines.push(more(`change   ${change}`));
    lines.push(...secretPlanRows(options));
  }
  if (plan.triggers) {
    lines.push(...formatTriggersPlan(plan.triggers, options));
  } else {
    lines.push(row('triggers', 'none created: the event webhook already receives new tickets and comments.'));
    lines.push(more('The trigger-connected alternative (webhooks/zendesk/setup/README.md) is not needed; configuring both'));
    lines.push(more('makes Zendesk send each customer message once per kind (deduplicated per kind, twice the calls).'));
  }
  lines.push(row('tags', 'nothing to create: Zendesk tags are free-form and appear with the first ticket update that uses them.'));
  lines.push(more('draftpilot writes:'));
  lines.push(...wrapped([...plan.tags, 'draftpilot_cat_<category id of CATEGORIES_FILE>']));
  if (escalation.status === 'ok' && escalation.group) {
    lines.push(row('escalation group', `ZENDESK_ESCALATION_GROUP_ID=${escalation.configured}: group "${escalation.group.name}" exists`));
  } else {
    lines.push(
      row(
        'escalation group',
        escalation.status === 'missing'
          ? `ZENDESK_ESCALATION_GROUP_ID=${escalation.configured}: no such group`
          : 'ZENDESK_ESCALATION_GROUP_ID is not set: escalations get a note and tags, no routing',
      ),
    );
    if (escalation.groups.length) lines.push(more(`groups: ${listRefs(escalation.groups, escalation.suggested)}`));
    else lines.push(more('the account has no groups'));
    if (escalation.suggested) lines.push(more(`suggested: ZENDESK_ESCALATION_GROUP_ID=${escalation.suggested.id}`));
  }
  if (plan.botUser.status === 'unset') {
    lines.push(row('bot user', `ZENDESK_BOT_USER_ID is not set: suggested ZENDESK_BOT_USER_ID=${user.id} (the user this token writes notes as;`));
    lines.push(more('its comments are then stored as draftpilot\'s own, never drafted for)'));
  } else if (plan.botUser.status === 'matches') {
    lines.push(row('bot user', `ZENDESK_BOT_USER_ID=${plan.botUser.configured}: the user this token writes as`));
  } else {
    lines.push(row('bot user', `ZENDESK_BOT_USER_ID=${plan.botUser.configured}, but this token writes as user ${user.id}: own notes are recognised by their marker only`));
  }
  for (const note of plan.notes) lines.push(row('note', note));
  return lines;
}

const TRIGGER_ACTION: Record<ZendeskTriggersPlan['triggers'][number]['action'], string> = {
  create: 'create',
  update: 'update',
  unchanged: 'unchanged (matches)',
  skipped: 'not set up (the trigger webhook cannot be set up)',
};

function webhookPlanLines(webhook: WebhookPlan): string[] {
  if (webhook.action === 'conflict') return [more(webhook.conflict ?? '')];
  return [
    more(`endpoint ${webhook.desired.endpoint}`),
    more(`connection triggers and automations (${webhook.desired.subscriptions.join(', ')})`),
    more(`${webhook.desired.http_method}, ${webhook.desired.request_format}, ${webhook.desired.status}`),
    ...webhook.changes.map((change) => more(`change   ${change}`)),
  ];
}

/** `--triggers`: the trigger-connected webhook and the two triggers that notify it. */
function formatTriggersPlan(triggers: ZendeskTriggersPlan, options: { dryRun: boolean }): string[] {
  const { webhook } = triggers;
  const lines: string[] = [];
  lines.push(row('trigger webhook', `"${webhook.desired.name}": ${WEBHOOK_ACTION[webhook.action]}${webhook.id ? ` (id ${webhook.id})` : ''}`));
  lines.push(...webhookPlanLines(webhook));
  if (webhook.action !== 'conflict') {
    lines.push(more(options.dryRun ? 'its signing secret is read after it is set up (not in a dry run), for ZENDESK_WEBHOOK_SECRETS' : 'its signing secret is read after it is set up, for ZENDESK_WEBHOOK_SECRETS'));
  }
  for (const t of triggers.triggers) {
    lines.push(row('trigger', `"${t.title}": ${TRIGGER_ACTION[t.action]}${t.id ? ` (id ${t.id})` : ''}`));
    lines.push(more(`when     ${t.conditions.all.map((c) => `${c.field} ${c.operator} ${c.value}`).join(' and ')}`));
    lines.push(more(`then     notify "${webhook.desired.name}" with trigger-body.json, "event": "${t.event}"`));
    for (const change of t.changes) lines.push(more(`change   ${change}`));
  }
  lines.push(more('With both webhooks, Zendesk sends each customer message once per kind: it is drafted once.'));
  return lines;
}

const RESULT_ID = (id: string | undefined) => (id ? ` (id ${id})` : '');

export function formatZendeskResult(result: ZendeskSetupResult, storage: SecretStorage = { kind: 'print' }): string[] {
  const lines: string[] = ['', 'Result'];
  const { webhook } = result;
  const id = webhook.id ? ` (id ${webhook.id})` : '';
  lines.push(row(`webhook "${result.plan.webhook.desired.name}"`, webhook.action === 'skipped' ? 'not set up' : `${webhook.action}${id}`));
  if (result.triggerWebhook && result.plan.triggers) {
    const tw = result.triggerWebhook;
    lines.push(row('trigger webhook', `"${result.plan.triggers.webhook.desired.name}": ${tw.action === 'skipped' ? 'not set up' : `${tw.action}${RESULT_ID(tw.id)}`}`));
    for (const t of result.triggers ?? []) lines.push(row('trigger', `"${t.title}": ${t.action === 'skipped' ? 'not set up' : `${t.action}${RESULT_ID(t.id)}`}`));
  }
  const secrets = result.secretsToSet ?? (result.signingSecret ? [result.signingSecret] : []);
  if (secrets.length && storage.kind === 'stored') {
    const { path, kept } = storage;
    lines.push(row('signing secret', storage.changed ? `ZENDESK_WEBHOOK_SECRETS updated in ${path} (restart draftpilot to load it)` : `ZENDESK_WEBHOOK_SECRETS in ${path} is up to date already (restart draftpilot if it has not loaded it)`));
    if (secrets.length > 1) lines.push(more('(the event webhook\'s secret first, then the trigger webhook\'s)'));
    if (kept > 0) {
      lines.push(more(`(${kept} previously configured secret${kept > 1 ? 's' : ''} kept after the new one${secrets.length > 1 ? 's' : ''}, so deliveries signed before still verify;`));
      lines.push(more(` remove ${kept > 1 ? 'them' : 'it'} from the line once deliveries verify)`));
    }
    if (storage.environmentWins) {
      lines.push(row('note', 'ZENDESK_WEBHOOK_SECRETS is also set in the environment this command ran in, and a set variable wins'));
      lines.push(more(`over ${path}: where draftpilot's environment sets it, change it there too (or unset it)`));
    }
  } else if (secrets.length) {
    lines.push(
      row(
        'signing secret',
        storage.kind === 'failed'
          ? `not stored in ${storage.path} (see the problem below): put this line into draftpilot's environment and restart draftpilot:`
          : 'put this line into draftpilot\'s environment (.env) and restart draftpilot:',
      ),
    );
    lines.push('', `ZENDESK_WEBHOOK_SECRETS=${secrets.join(',')}`, '');
    if (secrets.length > 1) lines.push(more('(the event webhook\'s secret, then the trigger webhook\'s)'));
    lines.push(more('(to rotate without downtime, keep the previous secret after a comma until deliveries verify)'));
  } else {
    if (result.secretConfigured) lines.push(row('signing secret', 'ZENDESK_WEBHOOK_SECRETS already contains this webhook\'s signing secret'));
    if (result.triggerSecretConfigured) lines.push(row('signing secret', 'ZENDESK_WEBHOOK_SECRETS already contains the trigger webhook\'s signing secret'));
  }
  return lines;
}

export function formatIntercomPlan(plan: IntercomSetupPlan, options: { dryRun: boolean }): string[] {
  const { me, admin, tags, team, webhook } = plan;
  const lines: string[] = [];
  const workspace = me.workspaceId ? `${me.workspaceId}${me.workspaceName ? ` "${me.workspaceName}"` : ''}${me.region ? ` (region ${me.region})` : ''}` : 'unknown (GET /me carried no app)';
  lines.push(`Intercom ${plan.baseUrl}: the token is valid`);
  lines.push(row('workspace', workspace));
  lines.push(row('token admin', `${me.name}${me.email ? ` <${me.email}>` : ''}, admin id ${me.adminId}`));
  if (admin.status === 'unset') lines.push(row('INTERCOM_ADMIN_ID', `not set: suggested INTERCOM_ADMIN_ID=${me.adminId} (the admin notes are written as)`));
  else if (admin.status === 'matches') lines.push(row('INTERCOM_ADMIN_ID', `${admin.configured}: the token's admin`));
  else if (admin.status === 'other') lines.push(row('INTERCOM_ADMIN_ID', `${admin.configured}: admin "${admin.name}" (not the token's admin; notes are written as this admin)`));
  else lines.push(row('INTERCOM_ADMIN_ID', `${admin.configured}: no such admin; the token's admin is ${me.adminId}`));
  lines.push('');
  lines.push(options.dryRun ? 'Plan (what a run without --dry-run would do)' : 'Plan');
  lines.push(row('tags', `${tags.wanted.length} used: ${tags.existing.length} already there, ${tags.missing.length} to create`));
  if (tags.missing.length) lines.push(more('create:'), ...wrapped(tags.missing));
  if (team.status === 'ok' && team.team) {
    lines.push(row('escalation team', `INTERCOM_ESCALATION_TEAM_ID=${team.configured}: team "${team.team.name}" exists`));
  } else {
    lines.push(row('escalation team', team.status === 'missing' ? `INTERCOM_ESCALATION_TEAM_ID=${team.configured}: no such team` : 'INTERCOM_ESCALATION_TEAM_ID is not set: escalations get a note and tags, no assignment'));
    lines.push(more(team.teams.length ? `teams: ${listRefs(team.teams, team.suggested)}` : 'the workspace has no teams'));
    if (team.suggested) lines.push(more(`suggested: INTERCOM_ESCALATION_TEAM_ID=${team.suggested.id}`));
  }
  lines.push('');
  lines.push('Enter in the Developer Hub (your app > Webhooks); setup does not change these');
  lines.push(row('endpoint URL', webhook.url ?? `https://<your host>/webhooks/intercom`));
  lines.push(row('topics', webhook.topics.slice(0, 3).join(', ')));
  if (webhook.topics.length > 3) lines.push(more(webhook.topics.slice(3).join(', ')));
  lines.push(
    row(
      'client secret',
      webhook.clientSecretsConfigured > 0
        ? `INTERCOM_CLIENT_SECRETS is set (${webhook.clientSecretsConfigured} secret${webhook.clientSecretsConfigured > 1 ? 's' : ''})`
        : 'INTERCOM_CLIENT_SECRETS is not set: copy the app\'s client secret (Developer Hub > your app > Basic information) into it',
    ),
  );
  lines.push(more('(Intercom signs every notification with it: X-Hub-Signature)'));
  for (const note of plan.notes) lines.push(row('note', note));
  return lines;
}

export function formatIntercomResult(result: IntercomSetupResult): string[] {
  const lines = ['', 'Result'];
  if (result.created.length) {
    lines.push(row('tags', `created ${result.created.length}:`));
    lines.push(...wrapped(result.created.map((t) => `${t.name} (id ${t.id})`)));
  } else {
    lines.push(row('tags', 'none created, all exist'));
  }
  return lines;
}

export function formatProblems(problems: readonly string[]): string[] {
  if (!problems.length) return [];
  return ['', 'Problems', ...problems.map((p) => `  - ${p}`)];
}
