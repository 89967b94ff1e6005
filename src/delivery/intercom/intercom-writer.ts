import { z } from 'zod';
import type { Env } from '../../config/env';
import { HelpdeskAccess, HelpdeskError, intercomAccess } from '../../helpdesk/http-error';
import { intercomId } from '../../../webhooks/intercom/schema';
import type { DeliveryOutcome, DeliveryRequest, HelpdeskWriter } from '../delivery-port';
import { conversationReadSchema, conversationState } from './conversation-state';
import { intercomCall } from './intercom-http';
import { assertDraftBodiesAreNotes, assignmentBody, createTagBody, IntercomPlan, paths, planDelivery, tagConversationBody, Write } from './request-bodies';
import { TagCache } from './tag-cache';

/**
 * Intercom's regional API hosts (https://developers.intercom.com/building-apps/docs/rest-apis): the US
 * host tries to route a request to the workspace's region, the regional host names it outright.
 * INTERCOM_BASE_URL selects one (or a proxy); the default is the US host.
 */
export const INTERCOM_REGIONS = {
  us: 'https://api.intercom.io',
  eu: 'https://api.eu.intercom.io',
  au: 'https://api.au.intercom.io',
} as const;

export interface IntercomWriterOptions {
  /** base URL, bearer token and Intercom-Version header (intercomAccess(env)); none: shadow mode */
  access?: HelpdeskAccess;
  /** the admin draftpilot writes as (INTERCOM_ADMIN_ID); none: shadow mode, Intercom requires one */
  adminId?: string;
  /** the team escalations are assigned to; none: escalations are noted and tagged, not routed */
  escalationTeamId?: string;
  /** decide and report, write nothing (per tenant, or SHADOW_MODE) */
  shadow: boolean;
  clock?: () => number;
  /** the workspace the token belongs to (intercom:<workspace id>): requests for others are refused */
  tenant?: string;
  /** tag ids known ahead (from setup): these tags cost no lookup */
  tagIds?: Record<string, string>;
  timeoutMs?: number;
}

export interface IntercomWriterStats {
  /** live deliveries that completed */
  deliveries: number;
  /** every Intercom call made, failed attempts included */
  apiCalls: number;
  /** POST /tags calls (one per tag name and process, at most) */
  tagLookups: number;
}

/** POST /tags answers with the tag: https://developers.intercom.com/docs/references/2.3/rest-api/tags/create-and-update-tags/ */
const tagSchema = z.looseObject({ type: z.literal('tag'), id: intercomId, name: z.string() });
/**
 * Writes answer with the conversation or the tag. Once Intercom answered 2xx the write is done, and
 * refusing an odd echo would only make the job retry a write that succeeded, so any JSON is accepted.
 */
const writeAnswerSchema = z.unknown();

const SAFE_ID = /^[A-Za-z0-9_-]+$/;

/**
 * The Intercom side of Issue 4: one decision becomes a note (or, on autopilot only, a public reply),
 * an assignment to the escalation team, and tags.
 *
 * Calls per processed message: one read (GET the conversation: the marker check and the tags and team
 * already there), one reply (the note, or the autopilot reply), and one call per tag not yet on the
 * conversation; an escalation adds one assignment call and one tag per reason. Intercom tags a
 * conversation with one tag per call, so: review 3, autopilot 3, escalate 4 + reasons (3 + reasons
 * without a team). A tag name the process has not seen costs one POST /tags, once per process.
 *
 * Idempotent under at-least-once jobs: the read comes first, and a note carrying markerFor(draftId)
 * (or our admin's reply with the same text, for autopilot) is not written again; the tags and the
 * assignment the read shows missing are completed, those present are skipped. No retries here: a
 * HelpdeskError tells the job layer whether and when to retry (retryAfterMs from X-RateLimit-Reset).
 */
export class IntercomWriter implements HelpdeskWriter {
  private readonly tags: TagCache;
  private readonly clock: () => number;
  private readonly totals: IntercomWriterStats = { deliveries: 0, apiCalls: 0, tagLookups: 0 };

  constructor(private readonly options: IntercomWriterOptions) {
    this.tags = new TagCache(options.tagIds);
    this.clock = options.clock ?? Date.now;
  }

  /** Shadow mode is forced when the credentials or the admin to write as are missing. */
  get shadow(): boolean {
    return this.options.shadow || !this.options.access || !this.options.adminId;
  }

  stats(): IntercomWriterStats {
    return { ...this.totals };
  }

  async deliver(request: DeliveryRequest): Promise<DeliveryOutcome> {
    this.check(request);
    const adminId = this.options.adminId ?? '(INTERCOM_ADMIN_ID not set)';
    // Built and checked before any call: an autopilot decision that does not hold up throws here.
    const plan = planDelivery(request, { adminId, ...(this.options.escalationTeamId ? { escalationTeamId: this.options.escalationTeamId } : {}) });
    if (this.shadow) return this.shadowOutcome(request, plan, adminId);
    return this.live(request, plan, adminId, this.options.access as HelpdeskAccess);
  }

  private async live(request: DeliveryRequest, plan: IntercomPlan, adminId: string, access: HelpdeskAccess): Promise<DeliveryOutcome> {
    const id = request.threadId;
    const subject = `conversation ${id}`;
    const writes: Write[] = [];
    let calls = 0;
    const call = async <T>(method: 'GET' | 'POST', path: string, body: unknown, schema: z.ZodType<T>): Promise<T> => {
      if (method === 'POST') assertDraftBodiesAreNotes(request.decision, [{ method, path, body }]);
      calls++;
      this.totals.apiCalls++;
      const answer = await intercomCall(access, method, path, body, schema, { clock: this.clock, timeoutMs: this.options.timeoutMs ?? 20_000, subject });
      if (method === 'POST') writes.push({ method, path, body });
      return answer;
    };

    const conversation = await call('GET', paths.read(id), undefined, conversationReadSchema);
    const state = conversationState(conversation, { draftId: request.draftId, adminId, autopilotDraft: request.decision === 'autopilot' ? request.draft : null });
    for (const [name, tagId] of state.tagIds) this.tags.learn(name, tagId);

    const done: string[] = [];
    if (state.replyPresent) {
      done.push(`${plan.reply.message_type} already present for draft ${request.draftId}, not written again`);
    } else {
      await call('POST', paths.reply(id), plan.reply, writeAnswerSchema);
      done.push(`${plan.reply.message_type} written`);
    }

    if (plan.assignTeamId) {
      if (state.teamAssigneeId === plan.assignTeamId) {
        done.push(`already with team ${plan.assignTeamId}`);
      } else {
        await call('POST', paths.parts(id), assignmentBody(adminId, plan.assignTeamId), writeAnswerSchema);
        done.push(`assigned to team ${plan.assignTeamId}`);
      }
    } else if (request.decision === 'escalate') {
      done.push('not routed (no escalation team configured)');
    }

    const missing = plan.tags.filter((name) => !state.tags.has(name.toLowerCase()));
    for (const name of missing) {
      const tagId = await this.tags.get(name, async (tagName) => {
        this.totals.tagLookups++;
        const tag = await call('POST', paths.createTag(), createTagBody(tagName), tagSchema);
        return tag.id;
      });
      await call('POST', paths.tags(id), tagConversationBody(tagId, adminId), writeAnswerSchema);
    }
    if (missing.length) done.push(`tagged ${missing.join(', ')}`);
    if (missing.length < plan.tags.length) done.push(`already tagged ${plan.tags.filter((n) => !missing.includes(n)).join(', ')}`);

    this.totals.deliveries++;
    return { written: !state.replyPresent, shadow: false, apiCalls: calls, writes, detail: `intercom ${subject}: ${done.join('; ')} (${calls} API calls)` };
  }

  private shadowOutcome(request: DeliveryRequest, plan: IntercomPlan, adminId: string): DeliveryOutcome {
    const id = request.threadId;
    const writes: Write[] = [{ method: 'POST', path: paths.reply(id), body: plan.reply }];
    if (plan.assignTeamId) writes.push({ method: 'POST', path: paths.parts(id), body: assignmentBody(adminId, plan.assignTeamId) });
    // No tag is looked up in shadow mode, so its id stands in by name.
    for (const name of plan.tags) writes.push({ method: 'POST', path: paths.tags(id), body: tagConversationBody(`<id of tag ${name}>`, adminId) });
    assertDraftBodiesAreNotes(request.decision, writes);
    const why = this.options.shadow ? 'shadow mode' : `shadow mode (${!this.options.access ? 'INTERCOM_ACCESS_TOKEN' : 'INTERCOM_ADMIN_ID'} not set)`;
    return { written: false, shadow: true, apiCalls: 0, writes, detail: `intercom conversation ${id}: ${why}, nothing written; ${writes.length} would-be writes (${plan.reply.message_type}${plan.assignTeamId ? `, assignment to team ${plan.assignTeamId}` : ''}, tags ${plan.tags.join(', ')})` };
  }

  private check(request: DeliveryRequest): void {
    const refuse = (code: string, message: string) => new HelpdeskError('intercom', 0, code, `intercom: ${message}`, true);
    if (request.provider !== 'intercom' || !request.tenant.startsWith('intercom:')) throw refuse('intercom_bad_request', `${request.tenant} (${request.provider}) is not an Intercom delivery`);
    if (this.options.tenant && request.tenant !== this.options.tenant) throw refuse('intercom_wrong_tenant', `the configured token belongs to ${this.options.tenant}, not ${request.tenant}`);
    if (!SAFE_ID.test(request.threadId)) throw refuse('intercom_bad_request', `"${request.threadId}" is not a conversation id`);
    // markerFor(draftId) must match MARKER_PATTERN, or our own notes would not be recognized later.
    if (!SAFE_ID.test(request.draftId)) throw refuse('intercom_bad_request', `draft id "${request.draftId}" cannot be carried as a marker`);
  }
}

/** The writer for one workspace from the environment; `shadow` comes from SHADOW_MODE or the tenant's settings. */
export function intercomWriterFromEnv(
  env: Pick<Env, 'INTERCOM_ACCESS_TOKEN' | 'INTERCOM_BASE_URL' | 'INTERCOM_ADMIN_ID'>,
  extra: Omit<IntercomWriterOptions, 'access' | 'adminId' | 'shadow'> & { shadow?: boolean } = {},
): IntercomWriter {
  const access = intercomAccess(env);
  return new IntercomWriter({
    ...extra,
    shadow: extra.shadow ?? false,
    ...(access ? { access } : {}),
    ...(env.INTERCOM_ADMIN_ID ? { adminId: env.INTERCOM_ADMIN_ID } : {}),
  });
}
