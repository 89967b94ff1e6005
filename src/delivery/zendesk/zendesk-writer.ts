import { z } from 'zod';
import { zendeskId } from '../../edge/zendesk/schema';
import { HelpdeskError } from '../../helpdesk/helpdesk-error';
import { markerFor } from '../../domain/marker';
import type { DeliverContext, DeliveryOutcome, DeliveryRequest, HelpdeskWriter } from '../delivery-port';
import { CallMeter, Clock, systemClock } from '../../helpdesk/zendesk/meter';
import type { ZendeskAuth } from '../../helpdesk/zendesk/oauth';
import { assertSafeToSend, buildTicketUpdate, TicketSnapshot, TicketUpdateBody } from './request-body';
import { ZendeskApi } from '../../helpdesk/zendesk/zendesk-api';
import type { MacroStore, PendingMacro } from './macro-store';
import { buildPendingMacro, macroTitle, MacroPolicy, restrictionFor, wantsMacro } from './pending-macro';

/** GET /api/v2/tickets/{id}.json: https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#show-ticket */
const ticketSchema = z.looseObject({
  ticket: z.looseObject({
    id: zendeskId,
    updated_at: z.string().min(1),
    tags: z.array(z.string()).nullish(),
    status: z.string().nullish(),
    assignee_id: zendeskId.nullish(),
    group_id: zendeskId.nullish(),
  }),
});

/** POST /api/v2/macros answers with the macro; GET /api/v2/macros/search with a list. */
const macroAnswerSchema = z.looseObject({ macro: z.looseObject({ id: zendeskId, title: z.string().nullish() }) });
const macroSearchSchema = z.looseObject({ macros: z.array(z.looseObject({ id: zendeskId, title: z.string().nullish() })) });

/**
 * GET /api/v2/tickets/{id}/comments.json, newest first, one cursor page:
 * https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments/#list-comments
 */
export const commentsSchema = z.looseObject({
  comments: z.array(
    z.looseObject({
      id: zendeskId,
      author_id: zendeskId.nullish(),
      body: z.string().nullish(),
      html_body: z.string().nullish(),
      plain_body: z.string().nullish(),
      public: z.boolean().nullish(),
      created_at: z.string().nullish(),
    }),
  ),
});

/**
 * The update's answer, read leniently: once Zendesk answered 2xx the note is written, and an
 * unexpected shape must not turn a success into a failure (a retry would then check the marker anyway).
 */
const updateAnswerSchema = z.looseObject({
  ticket: z.looseObject({ updated_at: z.string().nullish() }).nullish(),
  audit: z
    .looseObject({ id: zendeskId.nullish(), created_at: z.string().nullish(), events: z.array(z.looseObject({ id: zendeskId.nullish(), type: z.string().nullish() })).nullish() })
    .nullish(),
});

export interface ZendeskWriterOptions {
  /** base URL and token provider (oauth.ts); may be absent only in shadow mode */
  access?: ZendeskAuth;
  /** escalations are routed to this group (group_id); without it an escalation is a note and tags */
  escalationGroupId?: number | string;
  /** record what would be written and write nothing (per tenant, or forced by SHADOW_MODE=true) */
  shadow: boolean;
  clock?: Clock;
  /** the tenant these credentials belong to (zendesk:<subdomain>): deliveries for others are refused */
  tenant?: string;
  /** how many recent comments the marker check reads (one page, newest first); 20 by default */
  recentComments?: number;
  /** re-read and retry after a safe_update 409 this many times; 2 by default */
  maxConflictRetries?: number;
  /** draftpilot's own Zendesk user (ZENDESK_BOT_USER_ID): narrows the autopilot duplicate check */
  botUserId?: string;
  timeoutMs?: number;
  /** pending-macro mode (review decisions of the tenants or categories the policy names) */
  macros?: PendingMacroOptions;
}

export interface PendingMacroOptions {
  store: MacroStore;
  policy: MacroPolicy;
  /** a macro not used within this time is deleted by the janitor */
  ttlMs: number;
  /** at most this many active draftpilot macros per account; beyond it the draft goes into the note */
  maxPerAccount: number;
}


/**
 * The Zendesk writer: one ticket update per decision (note or autopilot reply, tags, routing),
 * idempotent by the draft's marker, safe against concurrent agent changes (safe_update), with the
 * fault semantics the job layer expects: HelpdeskError.permanent for 401/403/404/422 and a deleted or
 * closed ticket; retryable for 429 (with retryAfterMs), 409 after our own retries, 5xx, timeouts, resets.
 *
 * API calls per delivery (counted in the outcome): shadow 0; first attempt 2 (read the ticket for
 * updated_at and tags, one PUT); a retry 3 (the marker read, the ticket read, the PUT), or 1 when the
 * marker shows the note is already there; each safe_update conflict adds a read and a write; a token
 * grant adds one. The marker read cannot double as the updated_at read: Show Ticket has no comments
 * sideload and the comments list carries no ticket updated_at or tags.
 */
export class ZendeskWriter implements HelpdeskWriter {
  private readonly api: ZendeskApi | undefined;
  private readonly clock: Clock;

  constructor(private readonly options: ZendeskWriterOptions) {
    if (!options.shadow && !options.access) throw new Error('zendesk writer: live mode needs access (credentials); without them use shadow mode');
    this.api = options.access ? new ZendeskApi(options.access, options.timeoutMs) : undefined;
    this.clock = options.clock ?? systemClock;
    const recent = options.recentComments ?? 20;
    if (!Number.isInteger(recent) || recent < 1 || recent > 100) throw new Error('zendesk writer: recentComments must be 1..100 (one cursor page)');
  }

  async deliver(request: DeliveryRequest, context: DeliverContext = {}): Promise<DeliveryOutcome> {
    const ticketId = this.checkRequest(request);
    const path = `/api/v2/tickets/${ticketId}.json`;
    // Built before any call: an unsafe or contradictory request (UnsafeDeliveryError) costs nothing.
    const macro = this.options.macros && wantsMacro(this.options.macros.policy, request);
    const body = buildTicketUpdate(request, null, this.bodyOptions(request, macro ? macroTitle(ticketId, request.draftId) : undefined));
    if (this.options.shadow || !this.api) {
      // Nothing is read either: shadow mode works without credentials and spends no rate limit.
      const writes: DeliveryOutcome['writes'] = [];
      if (macro) {
        // The restriction comes from the ticket's assignee or group, which live mode reads first.
        const shown = buildPendingMacro(request, { type: 'User', id: 0 });
        writes.push({ method: 'POST', path: '/api/v2/macros.json', body: { macro: { ...shown.macro, restriction: "the ticket's assignee (or its group), read in live mode" } } });
      }
      writes.push({ method: 'PUT', path, body });
      return {
        written: false,
        shadow: true,
        apiCalls: 0,
        writes,
        detail: `shadow mode: nothing written; would ${macro ? 'create a pending macro with the draft and ' : ''}${describeWrite(request, body, Boolean(macro))} (live mode also keeps the ticket's current tags and sends safe_update with its updated_at)`,
      };
    }
    return this.deliverLive(this.api, request, ticketId, path, context);
  }

  private async deliverLive(api: ZendeskApi, request: DeliveryRequest, ticketId: string, path: string, context: DeliverContext): Promise<DeliveryOutcome> {
    const meter = new CallMeter();
    const started = this.clock.now();
    try {
      if (!context.firstAttempt) {
        const found = await this.findDelivered(api, request, ticketId, meter);
        if (found) {
          return {
            written: false,
            shadow: false,
            apiCalls: meter.total,
            writes: [],
            detail: `already delivered: comment ${found.id} on ticket ${ticketId} ${found.how}; nothing written (${meter.describe()})`,
            posted: { id: found.id, ...(found.createdAt ? { createdAt: found.createdAt } : {}) },
          };
        }
      }
      const writes: DeliveryOutcome['writes'] = [];
      const notes: string[] = [];
      // A draft this one supersedes may sit in a macro: an agent must not apply an answer to an older message.
      await this.removeSuperseded(api, request, meter, writes, notes);
      let snapshot = await this.readTicket(api, ticketId, meter);
      const macro = await this.pendingMacro(api, request, snapshot, context, meter, writes, notes);
      const maxConflicts = this.options.maxConflictRetries ?? 2;
      for (let conflicts = 0; ; conflicts++) {
        const body = buildTicketUpdate(request, snapshot, this.bodyOptions(request, macro?.title));
        assertSafeToSend(body, request.decision); // again, on exactly what is sent
        try {
          const answer = await api.put(path, body, z.unknown(), meter);
          const parsed = updateAnswerSchema.safeParse(answer);
          // The comment's id is its Comment audit event's id: the id webhooks and the comments list give it.
          const comment = parsed.success ? parsed.data.audit?.events?.find((e) => e.type === 'Comment')?.id : undefined;
          const createdAt = parsed.success ? parsed.data.audit?.created_at : undefined;
          writes.push({ method: 'PUT', path, body });
          const extra = notes.length ? `; ${notes.join('; ')}` : '';
          return {
            written: true,
            shadow: false,
            apiCalls: meter.total,
            writes,
            detail: `${describeWrite(request, body, macro !== undefined)} on ticket ${ticketId}${comment ? ` (comment ${comment})` : ''}${extra}; ${meter.describe()}${conflicts ? `, after ${conflicts} safe_update conflict${conflicts > 1 ? 's' : ''}` : ''} in ${this.clock.now() - started} ms`,
            ...(comment ? { posted: { id: comment, ...(createdAt ? { createdAt } : {}) } } : {}),
          };
        } catch (err) {
          // 409: someone changed the ticket since our read. Nothing was applied; read again and rebuild
          // (fresh updated_at, and their tags kept in the merged list).
          if (err instanceof HelpdeskError && err.status === 409 && conflicts < maxConflicts) {
            snapshot = await this.readTicket(api, ticketId, meter);
            continue;
          }
          throw err;
        }
      }
    } catch (err) {
      throw explain(err, ticketId, meter);
    }
  }

  /** The comment that shows this draft was already delivered (a lost response, a retried job), if any. */
  private async findDelivered(api: ZendeskApi, request: DeliveryRequest, ticketId: string, meter: CallMeter): Promise<{ id: string; how: string; createdAt?: string } | undefined> {
    const size = this.options.recentComments ?? 20;
    const { comments } = await api.get(`/api/v2/tickets/${ticketId}/comments.json?sort=-created_at&page[size]=${size}`, commentsSchema, meter);
    const marker = markerFor(request.draftId);
    // Our notes are written by our own user (when known): a marker typed by anyone else proves nothing.
    const ours = (c: { author_id?: string | null }) => !this.options.botUserId || c.author_id === this.options.botUserId;
    const byMarker = comments.find((c) => ours(c) && [c.body, c.html_body, c.plain_body].some((t) => typeof t === 'string' && t.includes(marker)));
    if (byMarker) return { id: byMarker.id, how: `carries ${marker}`, ...(byMarker.created_at ? { createdAt: byMarker.created_at } : {}) };
    // An autopilot reply is customer-facing and carries no marker: the same text, public, recently,
    // (by our own user when known) is taken as this reply. Sending it twice is the worse mistake.
    if (request.decision === 'autopilot' && request.draft) {
      const want = squash(request.draft);
      const same = comments.find(
        (c) => c.public !== false && ours(c) && [c.body, c.plain_body].some((t) => typeof t === 'string' && squash(t) === want),
      );
      if (same) return { id: same.id, how: 'is the same public reply', ...(same.created_at ? { createdAt: same.created_at } : {}) };
    }
    return undefined;
  }

  /**
   * Pending-macro mode: the macro holding this draft, created now (restricted to the ticket's assignee
   * or group) or found from an earlier attempt. Undefined when the policy does not ask for one, or
   * when no macro can be made (no assignee or group, the account's cap reached): the draft then goes
   * into the note as in note mode, and the outcome says why.
   */
  private async pendingMacro(
    api: ZendeskApi,
    request: DeliveryRequest,
    snapshot: TicketSnapshot,
    context: DeliverContext,
    meter: CallMeter,
    writes: DeliveryOutcome['writes'],
    notes: string[],
  ): Promise<PendingMacro | undefined> {
    const options = this.options.macros;
    if (!options || !wantsMacro(options.policy, request)) return undefined;
    const known = await options.store.forDraft(request.draftId);
    if (known) {
      notes.push(`draft in macro ${known.macroId} (created by an earlier attempt)`);
      return known;
    }
    const restriction = restrictionFor(snapshot);
    if (!restriction) {
      notes.push('no pending macro: the ticket has no assignee or group to restrict it to (the draft is in the note)');
      return undefined;
    }
    const active = await options.store.countActive(request.tenant);
    if (active >= options.maxPerAccount) {
      notes.push(`no pending macro: the account already holds ${active} draftpilot macros (delivery.zendesk.pending_macros.max_per_account ${options.maxPerAccount}); the draft is in the note`);
      return undefined;
    }
    const body = buildPendingMacro(request, restriction);
    const title = body.macro.title;
    let macroId: string | undefined;
    if (!context.firstAttempt) {
      // A retry after a lost answer: the macro may exist without our row. Its title carries the draft id.
      const { macros } = await api.get(`/api/v2/macros/search.json?query=${encodeURIComponent(request.draftId)}`, macroSearchSchema, meter);
      macroId = macros.find((m) => m.title === title)?.id;
    }
    if (macroId === undefined) {
      macroId = (await api.post('/api/v2/macros.json', body, macroAnswerSchema, meter)).macro.id;
      writes.push({ method: 'POST', path: '/api/v2/macros.json', body });
    }
    const now = this.clock.now();
    const macro: PendingMacro = { tenant: request.tenant, macroId, ticketId: request.threadId, draftId: request.draftId, title, createdAt: new Date(now), expiresAt: new Date(now + options.ttlMs) };
    await options.store.add(macro);
    notes.push(`draft in macro ${macroId} "${title}" restricted to ${restriction.type === 'User' ? 'assignee' : 'group'} ${restriction.id}`);
    return macro;
  }

  /** Deletes the macros of the drafts this one supersedes (a 404: someone deleted it already). */
  private async removeSuperseded(api: ZendeskApi, request: DeliveryRequest, meter: CallMeter, writes: DeliveryOutcome['writes'], notes: string[]): Promise<void> {
    const store = this.options.macros?.store;
    if (!store || !request.supersedes?.length) return;
    for (const old of await store.forDrafts(request.supersedes)) {
      const removal = await deleteMacro(api, old.macroId, meter);
      writes.push({ method: 'DELETE', path: `/api/v2/macros/${old.macroId}.json`, body: null });
      await store.markRemoved(old.tenant, old.macroId, removal === 'deleted' ? 'superseded' : 'gone', new Date(this.clock.now()));
      notes.push(`superseded macro ${old.macroId} ${removal === 'deleted' ? 'deleted' : 'was already gone'}`);
    }
  }

  private readTicket(api: ZendeskApi, ticketId: string, meter: CallMeter): Promise<TicketSnapshot> {
    return readTicketSnapshot(api, ticketId, meter, 'the draft');
  }

  private checkRequest(request: DeliveryRequest): string {
    const refuse = (code: string, message: string) => new HelpdeskError('zendesk', 0, code, message, true);
    if (request.provider !== 'zendesk' || !request.tenant.startsWith('zendesk:')) throw refuse('zendesk_bad_request', `zendesk writer: ${request.provider} delivery for ${request.tenant} is not a Zendesk one`);
    if (this.options.tenant && request.tenant !== this.options.tenant) {
      throw refuse('zendesk_wrong_tenant', `zendesk: the configured credentials belong to ${this.options.tenant}, not ${request.tenant}`);
    }
    if (!/^\d+$/.test(request.threadId)) throw refuse('zendesk_bad_request', `zendesk: "${request.threadId}" is not a ticket id`);
    return request.threadId;
  }

  private bodyOptions(request: DeliveryRequest, title?: string) {
    const group = request.tenantDelivery?.escalationGroupId ?? this.options.escalationGroupId;
    return { ...(group !== undefined ? { escalationGroupId: group } : {}), ...(title ? { macroTitle: title } : {}) };
  }
}

/** The ticket as an update needs it (updated_at, tags, assignee, group); a deleted or closed ticket is a permanent error. */
export async function readTicketSnapshot(api: ZendeskApi, ticketId: string, meter: CallMeter, what: string): Promise<TicketSnapshot> {
  const { ticket } = await api.get(`/api/v2/tickets/${ticketId}.json`, ticketSchema, meter);
  const status = (ticket.status ?? '').toLowerCase();
  if (status === 'deleted') throw gone(ticketId);
  if (status === 'closed') {
    // Zendesk refuses any update to a closed ticket (422); say why instead of spending the call.
    throw new HelpdeskError('zendesk', 0, 'zendesk_ticket_closed', `zendesk: ticket ${ticketId} is closed and takes no more comments; nothing written, ${what} is dropped`, true);
  }
  return { updatedAt: ticket.updated_at, tags: ticket.tags ?? [], assigneeId: ticket.assignee_id ?? null, groupId: ticket.group_id ?? null };
}

/** DELETE /api/v2/macros/{id}: 204; a 404 means it is gone already (an admin or agent deleted it). */
export async function deleteMacro(api: ZendeskApi, macroId: string, meter: CallMeter): Promise<'deleted' | 'gone'> {
  try {
    await api.delete(`/api/v2/macros/${encodeURIComponent(macroId)}.json`, meter);
    return 'deleted';
  } catch (err) {
    if (err instanceof HelpdeskError && err.status === 404) return 'gone';
    throw err;
  }
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function describeWrite(request: DeliveryRequest, body: TicketUpdateBody, viaMacro = false): string {
  const what =
    request.decision === 'autopilot'
      ? 'public autopilot reply'
      : request.decision === 'escalate'
        ? 'handoff note (internal)'
        : viaMacro
          ? 'brief for review (internal note naming the macro)'
          : 'draft for review (internal note)';
  const group = body.ticket.group_id !== undefined ? `, routed to group ${body.ticket.group_id}` : '';
  return `${what} with tags ${body.ticket.tags.filter((t) => t.startsWith('draftpilot_')).join(' ')}${group}`;
}

function gone(ticketId: string, cause?: string): HelpdeskError {
  const why = cause ? ` [${cause}]` : '';
  return new HelpdeskError('zendesk', 404, 'zendesk_ticket_deleted', `zendesk: ticket ${ticketId} was not found (deleted, or not visible to the token's user); nothing written, the draft is dropped${why}`, true);
}

/** A 404 anywhere in a delivery means the ticket is gone: say so. Everything else passes unchanged. */
export function explain(err: unknown, ticketId: string, meter: CallMeter): unknown {
  // Only the API's own 404 (map-error's zendesk_not_found): a 404 from the token endpoint is an OAuth problem.
  if (err instanceof HelpdeskError && err.code === 'zendesk_not_found') return gone(ticketId, `${err.message}; ${meter.describe()}`);
  return err;
}
