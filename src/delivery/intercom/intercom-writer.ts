import type { IntercomClient } from 'intercom-client';
import { z } from 'zod';
import type { IntercomAccount } from '../../config/accounts';
import { HelpdeskAccess, intercomAccess } from '../../helpdesk/access';
import { HelpdeskError } from '../../helpdesk/helpdesk-error';
import { intercomId } from '../../edge/intercom/schema';
import type { DeliverContext, DeliveryOutcome, DeliveryRequest, HelpdeskWriter } from '../delivery-port';
import { conversationReadSchema, conversationState, ConversationState, unreadConversationState } from './conversation-state';
import { intercomClient, IntercomCallOptions, IntercomResponsePromise, intercomSdkCall } from '../../helpdesk/intercom/intercom-client';
import { assertDraftBodiesAreNotes, assignmentBody, createTagBody, IntercomPlan, paths, planDelivery, TAG_PREFIX, tagConversationBody, Write } from './request-bodies';
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
  /** base URL, bearer token and Intercom-Version header (intercomAccess); none: shadow mode */
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
  /**
   * API calls one delivery may spend on its first attempt (settings delivery.intercom.max_calls_per_message,
   * at least 2): the note or reply and the assignment always, then tags in priority order within what
   * is left. 3 by default.
   */
  maxCallsPerMessage?: number;
  /** per Intercom call (intercom-client's timeoutInSeconds); 20 s by default */
  timeoutMs?: number;
}

export const DEFAULT_MAX_CALLS_PER_MESSAGE = 3;

const DEFAULT_TIMEOUT_MS = 20_000;

export interface IntercomWriterStats {
  /** live deliveries that completed */
  deliveries: number;
  /** every Intercom call made, failed attempts included */
  apiCalls: number;
  /** POST /tags calls (one per tag name and process, at most) */
  tagLookups: number;
}

/** POST /tags answers with the tag: https://developers.intercom.com/docs/references/2.3/rest-api/tags/create-and-update-tags/ */
export const tagSchema = z.looseObject({ type: z.literal('tag'), id: intercomId, name: z.string() });
/** GET /tags lists every tag of the workspace: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/tags/listtags */
const tagListSchema = z.looseObject({ data: z.array(tagSchema) });
/**
 * Writes answer with the conversation or the tag. Once Intercom answered 2xx the write is done, and
 * refusing an odd echo would only make the job retry a write that succeeded, so any JSON is accepted.
 */
const writeAnswerSchema = z.unknown();

/**
 * The reply endpoint answers with the conversation, the new part among its parts
 * (https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations/replyconversation).
 * Read leniently, for the new part's id only: any other shape just leaves it unnamed.
 */
const replyAnswerSchema = z.looseObject({
  conversation_parts: z.looseObject({
    conversation_parts: z.array(
      z.looseObject({ id: intercomId, part_type: z.string().nullish(), created_at: z.number().nullish(), author: z.looseObject({ id: intercomId.nullish(), type: z.string().nullish() }).nullish() }),
    ),
  }),
});

/** The part our reply became: the newest one of its type by our admin. */
function postedPart(answer: unknown, messageType: string, adminId: string): DeliveryOutcome['posted'] {
  const parsed = replyAnswerSchema.safeParse(answer);
  if (!parsed.success) return undefined;
  const part = parsed.data.conversation_parts.conversation_parts.filter((p) => p.part_type === messageType && p.author?.type === 'admin' && p.author.id === adminId).pop();
  return part ? { id: part.id, ...(part.created_at ? { createdAt: new Date(part.created_at * 1000).toISOString() } : {}) } : undefined;
}

const SAFE_ID = /^[A-Za-z0-9_-]+$/;

/**
 * The Intercom writer: one decision becomes a note (or, on autopilot only, a public reply),
 * an assignment to the escalation team, and tags.
 *
 * Calls per processed message, at most maxCallsPerMessage (B, 3 by default) on the first attempt:
 * one reply (the note, or the autopilot reply), one assignment when an escalation has a team, then
 * tags in priority order (the decision tag, then one per reason, in the order given) while the budget
 * lasts. Intercom tags a conversation with one tag per call, and a tag name the process has not seen
 * costs one more call (POST /tags, once per process); a tag that does not fit is skipped, a later one
 * that fits is still written, and the outcome's detail names every tag left off. With B = 3: review
 * and autopilot 2 writes + the tag = 3 (when the tag must be created: reply, lookup, tag = 3),
 * escalate with a team note + assignment + the escalated tag = 3 with its reasons left untagged
 * (they are in the note), escalate without a team note + escalated tag + the first reason = 3.
 * Shadow mode reports the same writes, taking every tag as known (setup creates them).
 *
 * First attempt (context.firstAttempt, the drafter just stored the draft): no writer has seen this
 * draft, so no note with its marker can exist and nothing is read. Otherwise (a retry, or unknown) the
 * conversation is read first, one call beyond the budget: a note carrying markerFor(draftId) (or our
 * admin's reply with the same text, for autopilot) is not written again, and the tags and the
 * assignment already there are skipped and cost nothing. A retry thus spends at most B + 1 calls. No
 * retries here: a HelpdeskError tells the job layer whether and when to retry (retryAfterMs from
 * X-RateLimit-Reset).
 *
 * Every call goes through intercom-client 7 (one IntercomClient per writer, built by intercomClient()
 * in helpdesk/intercom/intercom-client.ts: the access's base URL and token, Intercom-Version 2.14, `maxRetries: 0`, the
 * writer's timeout), each wrapped by intercomSdkCall so that any failure is a HelpdeskError:
 * - retry read:    conversations.find({conversation_id, display_as: "plaintext"})  GET /conversations/{id}?display_as=plaintext
 * - note or reply: conversations.reply({conversation_id, body})                    POST /conversations/{id}/reply
 * - assignment:    conversations.manage({conversation_id, body})                   POST /conversations/{id}/parts
 * - tag:           tags.tagConversation({conversation_id, id, admin_id})           POST /conversations/{id}/tags
 * - tag lookup:    tags.create({name}) (creates, or returns the tag by that name)  POST /tags
 * - loadTags():    tags.list()                                                     GET /tags
 * The bodies are the ones request-bodies.ts builds, passed through unchanged (the library renames no
 * field), and every one is checked by assertDraftBodiesAreNotes just before it is handed over.
 */
export class IntercomWriter implements HelpdeskWriter {
  private readonly tags: TagCache;
  private readonly clock: () => number;
  private readonly totals: IntercomWriterStats = { deliveries: 0, apiCalls: 0, tagLookups: 0 };

  private readonly budget: number;
  private readonly timeoutMs: number;
  /** none without access (shadow mode) */
  private readonly client: IntercomClient | undefined;

  constructor(private readonly options: IntercomWriterOptions) {
    this.tags = new TagCache(options.tagIds);
    this.clock = options.clock ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.client = options.access ? intercomClient(options.access, this.timeoutMs) : undefined;
    this.budget = options.maxCallsPerMessage ?? DEFAULT_MAX_CALLS_PER_MESSAGE;
    // The note and an escalation's assignment are never dropped for the budget: they must fit.
    if (!Number.isInteger(this.budget) || this.budget < 2) throw new Error(`intercom writer: maxCallsPerMessage must be an integer of at least 2 (the note and the assignment), got ${this.budget}`);
  }

  /**
   * Learns the ids of the workspace's draftpilot tags with one `GET /tags` (tags.list()), once per
   * process at start, so no delivery has to spend its call budget creating a tag that already exists
   * (`setup intercom` creates them all). Returns how many were learned; nothing is asked in shadow mode.
   */
  async loadTags(): Promise<number> {
    const client = this.client;
    if (this.shadow || !client) return 0;
    const list = await intercomSdkCall(`intercom GET ${paths.createTag()}`, tagListSchema, this.callOptions('tags'), () => client.tags.list());
    this.totals.apiCalls++;
    let learned = 0;
    for (const tag of list.data) {
      if (!tag.name.toLowerCase().startsWith(TAG_PREFIX)) continue;
      this.tags.learn(tag.name, tag.id);
      learned++;
    }
    return learned;
  }

  /** Shadow mode is forced when the credentials or the admin to write as are missing. */
  get shadow(): boolean {
    return this.options.shadow || !this.options.access || !this.options.adminId;
  }

  stats(): IntercomWriterStats {
    return { ...this.totals };
  }

  async deliver(request: DeliveryRequest, context: DeliverContext = {}): Promise<DeliveryOutcome> {
    this.check(request);
    const adminId = this.options.adminId ?? '(INTERCOM_ADMIN_ID not set)';
    // Built and checked before any call: an autopilot decision that does not hold up throws here.
    const team = request.tenantDelivery?.escalationTeamId ?? this.options.escalationTeamId;
    const plan = planDelivery(request, { adminId, ...(team ? { escalationTeamId: team } : {}) });
    if (this.shadow || !this.client) return this.shadowOutcome(request, plan, adminId);
    return this.live(request, plan, adminId, this.client, context);
  }

  private callOptions(subject: string): IntercomCallOptions {
    return { clock: this.clock, timeoutMs: this.timeoutMs, subject };
  }

  private async live(request: DeliveryRequest, plan: IntercomPlan, adminId: string, client: IntercomClient, context: DeliverContext): Promise<DeliveryOutcome> {
    const id = request.threadId;
    const callOptions = this.callOptions(`conversation ${id}`);
    const writes: Write[] = [];
    let calls = 0;
    /** calls counted against the budget: every write (tag lookups included), not the read of a retry */
    let spent = 0;
    const read = async <T>(path: string, schema: z.ZodType<T>, send: () => IntercomResponsePromise): Promise<T> => {
      calls++;
      this.totals.apiCalls++;
      return intercomSdkCall(`intercom GET ${path.split('?')[0]}`, schema, callOptions, send);
    };
    // `send` is handed the body that was checked, so the body checked is the body sent.
    const write = async <B, T>(path: string, body: B, schema: z.ZodType<T>, send: (body: B) => IntercomResponsePromise): Promise<T> => {
      assertDraftBodiesAreNotes(request.decision, [{ method: 'POST', path, body }]);
      calls++;
      spent++;
      this.totals.apiCalls++;
      const answer = await intercomSdkCall(`intercom POST ${path}`, schema, callOptions, () => send(body));
      writes.push({ method: 'POST', path, body });
      return answer;
    };

    // A first attempt cannot find its own note: no read. A retry (or an unknown attempt) reads first.
    let state: ConversationState;
    if (context.firstAttempt) {
      state = unreadConversationState();
    } else {
      const conversation = await read(paths.read(id), conversationReadSchema, () => client.conversations.find({ conversation_id: id, display_as: 'plaintext' }));
      state = conversationState(conversation, { draftId: request.draftId, adminId, autopilotDraft: request.decision === 'autopilot' ? request.draft : null });
      for (const [name, tagId] of state.tagIds) this.tags.learn(name, tagId);
    }

    const done: string[] = [];
    let posted: DeliveryOutcome['posted'];
    if (state.replyPresent) {
      done.push(`${plan.reply.message_type} already present for draft ${request.draftId}, not written again`);
      if (state.replyPart) posted = { id: state.replyPart.id, createdAt: new Date(state.replyPart.createdAt * 1000).toISOString() };
    } else {
      const answer = await write(paths.reply(id), plan.reply, writeAnswerSchema, (body) => client.conversations.reply({ conversation_id: id, body }));
      posted = postedPart(answer, plan.reply.message_type, adminId);
      done.push(`${plan.reply.message_type} written`);
    }

    if (plan.assignTeamId) {
      if (state.teamAssigneeId === plan.assignTeamId) {
        done.push(`already with team ${plan.assignTeamId}`);
      } else {
        await write(paths.parts(id), assignmentBody(adminId, plan.assignTeamId), writeAnswerSchema, (body) => client.conversations.manage({ conversation_id: id, body }));
        done.push(`assigned to team ${plan.assignTeamId}`);
      }
    } else if (request.decision === 'escalate') {
      done.push('not routed (no escalation team configured)');
    }

    // Tags in priority order while the budget lasts: a known tag costs one call, an unknown one two
    // (POST /tags, then the tag). known() and get() run with no await between them, so the cost
    // checked is the cost paid.
    const present = plan.tags.filter((name) => state.tags.has(name.toLowerCase()));
    const tagged: string[] = [];
    const overBudget: string[] = [];
    for (const name of plan.tags) {
      if (present.includes(name)) continue;
      const cost = this.tags.known(name) ? 1 : 2;
      if (spent + cost > this.budget) {
        overBudget.push(name);
        continue;
      }
      const tagId = await this.tags.get(name, async (tagName) => {
        this.totals.tagLookups++;
        const tag = await write(paths.createTag(), createTagBody(tagName), tagSchema, (body) => client.tags.create(body));
        return tag.id;
      });
      await write(paths.tags(id), tagConversationBody(tagId, adminId), writeAnswerSchema, (body) => client.tags.tagConversation({ conversation_id: id, ...body }));
      tagged.push(name);
    }
    if (tagged.length) done.push(`tagged ${tagged.join(', ')}`);
    if (present.length) done.push(`already tagged ${present.join(', ')}`);
    if (overBudget.length) done.push(notTagged(this.budget, overBudget));

    this.totals.deliveries++;
    return { written: !state.replyPresent, shadow: false, apiCalls: calls, writes, detail: `intercom ${callOptions.subject}: ${done.join('; ')} (${calls} API calls)`, ...(posted ? { posted } : {}) };
  }

  private shadowOutcome(request: DeliveryRequest, plan: IntercomPlan, adminId: string): DeliveryOutcome {
    const id = request.threadId;
    const writes: Write[] = [{ method: 'POST', path: paths.reply(id), body: plan.reply }];
    if (plan.assignTeamId) writes.push({ method: 'POST', path: paths.parts(id), body: assignmentBody(adminId, plan.assignTeamId) });
    // What a live first attempt sends, under the same budget. No tag is looked up in shadow mode: each
    // is taken as known (one call, as after setup) and its id stands in by name.
    const room = Math.max(0, this.budget - writes.length);
    const tagged = plan.tags.slice(0, room);
    const overBudget = plan.tags.slice(room);
    for (const name of tagged) writes.push({ method: 'POST', path: paths.tags(id), body: tagConversationBody(`<id of tag ${name}>`, adminId) });
    assertDraftBodiesAreNotes(request.decision, writes);
    const why = this.options.shadow ? 'shadow mode' : `shadow mode (${!this.options.access ? 'INTERCOM_ACCESS_TOKEN' : 'INTERCOM_ADMIN_ID'} not set)`;
    const what = [plan.reply.message_type, ...(plan.assignTeamId ? [`assignment to team ${plan.assignTeamId}`] : []), ...(tagged.length ? [`tags ${tagged.join(', ')}`] : [])].join(', ');
    return {
      written: false,
      shadow: true,
      apiCalls: 0,
      writes,
      detail: `intercom conversation ${id}: ${why}, nothing written; ${writes.length} would-be writes (${what})${overBudget.length ? `; ${notTagged(this.budget, overBudget)}` : ''}`,
    };
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

function notTagged(budget: number, names: readonly string[]): string {
  return `not tagged (call budget ${budget}): ${names.join(', ')}`;
}

/** The writer for the configured workspace; `shadow` comes from SHADOW_MODE or the tenant's settings. */
export function intercomWriterFor(
  intercom: IntercomAccount,
  extra: Omit<IntercomWriterOptions, 'access' | 'adminId' | 'shadow'> & { shadow?: boolean } = {},
): IntercomWriter {
  const access = intercomAccess(intercom);
  return new IntercomWriter({
    ...extra,
    shadow: extra.shadow ?? false,
    ...(access ? { access } : {}),
    ...(intercom.adminId ? { adminId: intercom.adminId } : {}),
  });
}
