import { z } from 'zod';
import { HelpdeskError } from '../../helpdesk/http-error';
import { markerFor } from '../../../webhooks/marker';
import type { DeliveryOutcome, DeliveryRequest, HelpdeskWriter } from '../delivery-port';
import { CallMeter, Clock, systemClock } from './meter';
import type { ZendeskAuth } from './oauth';
import { assertSafeToSend, buildTicketUpdate, TicketSnapshot, TicketUpdateBody } from './request-body';
import { ZendeskApi } from './zendesk-api';

const zendeskId = z.union([z.number().int(), z.string().min(1)]).transform(String);

/** GET /api/v2/tickets/{id}.json: https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#show-ticket */
const ticketSchema = z.looseObject({
  ticket: z.looseObject({
    id: zendeskId,
    updated_at: z.string().min(1),
    tags: z.array(z.string()).nullish(),
    status: z.string().nullish(),
  }),
});

/**
 * GET /api/v2/tickets/{id}/comments.json, newest first, one cursor page:
 * https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments/#list-comments
 */
const commentsSchema = z.looseObject({
  comments: z.array(
    z.looseObject({
      id: zendeskId,
      author_id: zendeskId.nullish(),
      body: z.string().nullish(),
      html_body: z.string().nullish(),
      plain_body: z.string().nullish(),
      public: z.boolean().nullish(),
    }),
  ),
});

/**
 * The update's answer, read leniently: once Zendesk answered 2xx the note is written, and an
 * unexpected shape must not turn a success into a failure (a retry would then check the marker anyway).
 */
const updateAnswerSchema = z.looseObject({
  ticket: z.looseObject({ updated_at: z.string().nullish() }).nullish(),
  audit: z.looseObject({ id: zendeskId.nullish(), events: z.array(z.looseObject({ id: zendeskId.nullish(), type: z.string().nullish() })).nullish() }).nullish(),
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
}

export interface DeliverContext {
  /**
   * True only when no writer has ever been handed this draft (the drafter just stored it). Then no
   * earlier attempt can have written it, the marker read is skipped and a delivery costs 2 calls.
   * Unknown (the default) means a retry may follow a lost response: the marker is checked first.
   */
  firstAttempt?: boolean;
}

/**
 * Issue 4's Zendesk writer: one ticket update per decision (note or autopilot reply, tags, routing),
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
    const body = buildTicketUpdate(request, null, this.bodyOptions());
    if (this.options.shadow || !this.api) {
      // Nothing is read either: shadow mode works without credentials and spends no rate limit.
      return {
        written: false,
        shadow: true,
        apiCalls: 0,
        writes: [{ method: 'PUT', path, body }],
        detail: `shadow mode: nothing written; would ${describeWrite(request, body)} (live mode also keeps the ticket's current tags and sends safe_update with its updated_at)`,
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
          return { written: false, shadow: false, apiCalls: meter.total, writes: [], detail: `already delivered: comment ${found.id} on ticket ${ticketId} ${found.how}; nothing written (${meter.describe()})` };
        }
      }
      let snapshot = await this.readTicket(api, ticketId, meter);
      const maxConflicts = this.options.maxConflictRetries ?? 2;
      for (let conflicts = 0; ; conflicts++) {
        const body = buildTicketUpdate(request, snapshot, this.bodyOptions());
        assertSafeToSend(body, request.decision); // again, on exactly what is sent
        try {
          const answer = await api.put(path, body, z.unknown(), meter);
          const parsed = updateAnswerSchema.safeParse(answer);
          const comment = parsed.success ? parsed.data.audit?.events?.find((e) => e.type === 'Comment')?.id : undefined;
          return {
            written: true,
            shadow: false,
            apiCalls: meter.total,
            writes: [{ method: 'PUT', path, body }],
            detail: `${describeWrite(request, body)} on ticket ${ticketId}${comment ? ` (comment ${comment})` : ''}; ${meter.describe()}${conflicts ? `, after ${conflicts} safe_update conflict${conflicts > 1 ? 's' : ''}` : ''} in ${this.clock.now() - started} ms`,
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
  private async findDelivered(api: ZendeskApi, request: DeliveryRequest, ticketId: string, meter: CallMeter): Promise<{ id: string; how: string } | undefined> {
    const size = this.options.recentComments ?? 20;
    const { comments } = await api.get(`/api/v2/tickets/${ticketId}/comments.json?sort=-created_at&page[size]=${size}`, commentsSchema, meter);
    const marker = markerFor(request.draftId);
    const byMarker = comments.find((c) => [c.body, c.html_body, c.plain_body].some((t) => typeof t === 'string' && t.includes(marker)));
    if (byMarker) return { id: byMarker.id, how: `carries ${marker}` };
    // An autopilot reply is customer-facing and carries no marker: the same text, public, recently,
    // (by our own user when known) is taken as this reply. Sending it twice is the worse mistake.
    if (request.decision === 'autopilot' && request.draft) {
      const want = squash(request.draft);
      const same = comments.find(
        (c) => c.public !== false && (!this.options.botUserId || c.author_id === this.options.botUserId) && [c.body, c.plain_body].some((t) => typeof t === 'string' && squash(t) === want),
      );
      if (same) return { id: same.id, how: 'is the same public reply' };
    }
    return undefined;
  }

  private async readTicket(api: ZendeskApi, ticketId: string, meter: CallMeter): Promise<TicketSnapshot> {
    const { ticket } = await api.get(`/api/v2/tickets/${ticketId}.json`, ticketSchema, meter);
    const status = (ticket.status ?? '').toLowerCase();
    if (status === 'deleted') throw gone(ticketId);
    if (status === 'closed') {
      // Zendesk refuses any update to a closed ticket (422); say why instead of spending the call.
      throw new HelpdeskError('zendesk', 0, 'zendesk_ticket_closed', `zendesk: ticket ${ticketId} is closed and takes no more comments; nothing written, the draft is dropped`, true);
    }
    return { updatedAt: ticket.updated_at, tags: ticket.tags ?? [] };
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

  private bodyOptions() {
    return this.options.escalationGroupId !== undefined ? { escalationGroupId: this.options.escalationGroupId } : {};
  }
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function describeWrite(request: DeliveryRequest, body: TicketUpdateBody): string {
  const what = request.decision === 'autopilot' ? 'public autopilot reply' : request.decision === 'escalate' ? 'handoff note (internal)' : 'draft for review (internal note)';
  const group = body.ticket.group_id !== undefined ? `, routed to group ${body.ticket.group_id}` : '';
  return `${what} with tags ${body.ticket.tags.filter((t) => t.startsWith('draftpilot_')).join(' ')}${group}`;
}

function gone(ticketId: string, cause?: string): HelpdeskError {
  const why = cause ? ` [${cause}]` : '';
  return new HelpdeskError('zendesk', 404, 'zendesk_ticket_deleted', `zendesk: ticket ${ticketId} was not found (deleted, or not visible to the token's user); nothing written, the draft is dropped${why}`, true);
}

/** A 404 anywhere in a delivery means the ticket is gone: say so. Everything else passes unchanged. */
function explain(err: unknown, ticketId: string, meter: CallMeter): unknown {
  // Only the API's own 404 (http-error's zendesk_not_found): a 404 from the token endpoint is an OAuth problem.
  if (err instanceof HelpdeskError && err.code === 'zendesk_not_found') return gone(ticketId, `${err.message}; ${meter.describe()}`);
  return err;
}
