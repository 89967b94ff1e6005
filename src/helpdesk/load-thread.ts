import { z } from 'zod';
import { zendeskAuthor } from '../edge/zendesk/author';
import { zendeskId } from '../edge/zendesk/schema';
import type { IntercomAccount, ZendeskAccount } from '../config/accounts';
import { htmlToText } from '../domain/html-to-text';
import { conversationSchema } from '../edge/intercom/schema';
import { normalizeIntercom } from '../edge/intercom/normalize';
import type { Message, Thread } from '../domain/thread';
import { BearerTokens } from './renew-on-401';
import { getJson } from './fetch-json';
import { HelpdeskAccess, intercomAccess, ZENDESK_CREDENTIALS_HINT, zendeskAccess } from './access';
import { HelpdeskError } from './helpdesk-error';

/**
 * The read side of the helpdesk adapters: a whole ticket or conversation from the API, as the
 * normalized Thread (docs/contracts.md), for deliveries whose payload does not carry the text (Zendesk
 * trigger placeholders are not reliably JSON-escaped, so triggers send ids only).
 */

/** GET /api/v2/tickets/{id}.json: https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#show-ticket */
const ticketSchema = z.looseObject({
  ticket: z.looseObject({
    id: zendeskId,
    subject: z.string().nullish(),
    raw_subject: z.string().nullish(),
    status: z.string().nullish(),
    tags: z.array(z.string()).nullish(),
    requester_id: zendeskId.nullish(),
  }),
});

const userSchema = z.looseObject({
  id: zendeskId,
  name: z.string().nullish(),
  email: z.string().nullish(),
  /** end-user, agent or admin */
  role: z.string().nullish(),
});

const commentSchema = z.looseObject({
  id: zendeskId,
  author_id: zendeskId.nullish(),
  body: z.string().nullish(),
  plain_body: z.string().nullish(),
  html_body: z.string().nullish(),
  public: z.boolean().nullish(),
  created_at: z.string(),
});

/**
 * GET /api/v2/tickets/{id}/comments.json with cursor pagination and the authors sideloaded:
 * https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments/#list-comments
 * https://developer.zendesk.com/api-reference/introduction/pagination/#using-cursor-pagination
 */
const commentsPageSchema = z.looseObject({
  comments: z.array(commentSchema),
  users: z.array(userSchema).nullish(),
  meta: z.looseObject({ has_more: z.boolean() }).nullish(),
  links: z.looseObject({ next: z.string().nullish() }).nullish(),
});

type ZendeskUser = z.infer<typeof userSchema>;
type ZendeskComment = z.infer<typeof commentSchema>;

const MAX_PAGES = 200; // 20,000 comments: a loop guard, not a limit any ticket reaches

export interface ThreadLoaderOptions {
  zendesk?: HelpdeskAccess;
  /** the tenant the Zendesk credentials belong to (zendesk:<subdomain>): other tenants are refused */
  zendeskTenant?: string;
  /** draftpilot's own Zendesk user: its comments are author 'ai' */
  zendeskBotUserId?: string;
  intercom?: HelpdeskAccess;
  /** the tenant the Intercom token belongs to (intercom:<workspace id>), when known */
  intercomTenant?: string;
  /** draftpilot's own Intercom admin: its parts are author 'ai' */
  intercomAdminId?: string;
}

export class ThreadLoader {
  constructor(private readonly options: ThreadLoaderOptions) {}

  /**
   * The reader for the configured accounts. `zendeskAuth`: the writer's Zendesk credentials (built once
   * with zendeskAuthOf), so the reads use the same token provider; without it Zendesk is not read.
   */
  static forAccounts(
    accounts: { zendesk: ZendeskAccount; intercom: IntercomAccount },
    extra: { intercomTenant?: string; zendeskAuth?: { baseUrl: string; tokens: BearerTokens<unknown> } | undefined } = {},
  ): ThreadLoader {
    const zendesk = zendeskAccess(extra.zendeskAuth);
    const intercom = intercomAccess(accounts.intercom);
    return new ThreadLoader({
      ...(zendesk ? { zendesk } : {}),
      ...(accounts.zendesk.tenant ? { zendeskTenant: accounts.zendesk.tenant } : {}),
      ...(accounts.zendesk.botUserId ? { zendeskBotUserId: accounts.zendesk.botUserId } : {}),
      ...(intercom ? { intercom } : {}),
      ...(extra.intercomTenant ? { intercomTenant: extra.intercomTenant } : {}),
      ...(accounts.intercom.adminId ? { intercomAdminId: accounts.intercom.adminId } : {}),
    });
  }

  /** Whether credentials for this tenant's provider are set (otherwise the payload's text is all there is). */
  canLoad(tenant: string): boolean {
    if (tenant.startsWith('zendesk:')) return Boolean(this.options.zendesk) && (!this.options.zendeskTenant || tenant === this.options.zendeskTenant);
    if (tenant.startsWith('intercom:')) return Boolean(this.options.intercom) && (!this.options.intercomTenant || tenant === this.options.intercomTenant);
    return false;
  }

  load(tenant: string, threadId: string): Promise<Thread> {
    return tenant.startsWith('intercom:') ? this.loadIntercomThread(tenant, threadId) : this.loadZendeskThread(tenant, threadId);
  }

  /** The ticket and all its comments (public replies and internal notes), oldest first. */
  async loadZendeskThread(tenant: string, ticketId: string): Promise<Thread> {
    const access = this.access('zendesk', tenant, this.options.zendesk, this.options.zendeskTenant);
    if (!/^\d+$/.test(ticketId)) throw new HelpdeskError('zendesk', 0, 'zendesk_bad_request', `zendesk: "${ticketId}" is not a ticket id`, true);
    const { ticket } = await getJson(access, `/api/v2/tickets/${ticketId}.json`, ticketSchema);

    const comments: ZendeskComment[] = [];
    const users = new Map<string, ZendeskUser>();
    let next: string | null = `/api/v2/tickets/${ticketId}/comments.json?page[size]=100&include=users`;
    for (let page = 0; next; page++) {
      if (page >= MAX_PAGES) throw new HelpdeskError('zendesk', 0, 'zendesk_unexpected_response', `zendesk: the comments of ticket ${ticketId} do not end (${page} pages)`, true);
      const body: z.infer<typeof commentsPageSchema> = await getJson(access, next, commentsPageSchema);
      comments.push(...body.comments);
      for (const u of body.users ?? []) users.set(u.id, u);
      next = body.meta?.has_more ? body.links?.next ?? null : null;
    }

    const requesterId = ticket.requester_id ?? null;
    const requester = requesterId ? users.get(requesterId) : undefined;
    const messages: Message[] = comments.map((c) => {
      const text = c.body ?? c.plain_body ?? (c.html_body ? htmlToText(c.html_body) : '');
      const author = this.zendeskAuthor(c, requesterId, users);
      const name = c.author_id ? users.get(c.author_id)?.name : undefined;
      const who = author === 'agent' && c.author_id ? { authorId: c.author_id, ...(name ? { authorName: name } : {}) } : {};
      return { id: c.id, author, public: c.public ?? true, text, createdAt: c.created_at, ...who };
    });
    return {
      tenant,
      provider: 'zendesk',
      id: ticket.id,
      subject: ticket.subject ?? ticket.raw_subject ?? '',
      status: (ticket.status ?? 'new').toLowerCase(),
      tags: ticket.tags ?? [],
      requester: { id: requesterId, name: requester?.name ?? null, email: requester?.email ?? null },
      messages,
    };
  }

  /**
   * GET /conversations/{id}?display_as=plaintext (the last 500 parts):
   * https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations/retrieveconversation
   * The API returns the conversation model a webhook carries in data.item, so it goes through the
   * webhook normalizer: one author mapping (user/lead/contact, admin/team, our admin or marker) for both.
   */
  async loadIntercomThread(tenant: string, conversationId: string): Promise<Thread> {
    const access = this.access('intercom', tenant, this.options.intercom, this.options.intercomTenant);
    if (!/^[A-Za-z0-9_-]+$/.test(conversationId)) {
      throw new HelpdeskError('intercom', 0, 'intercom_bad_request', `intercom: "${conversationId}" is not a conversation id`, true);
    }
    const conversation = await getJson(access, `/conversations/${conversationId}?display_as=plaintext`, conversationSchema);
    const now = new Date();
    const envelope = {
      type: 'notification_event',
      app_id: tenant.slice('intercom:'.length),
      id: `api-read-${conversation.id}`,
      topic: 'conversation.api.read',
      created_at: conversation.created_at ?? Math.floor(now.getTime() / 1000),
      data: { type: 'notification_event_data', item: conversation },
    };
    // display_as=plaintext: every body is plain text, whatever API version the app is set to.
    return normalizeIntercom(envelope, { deliveryId: envelope.id, tenant, receivedAt: now.toISOString() }, {
      ...(this.options.intercomAdminId ? { adminId: this.options.intercomAdminId } : {}),
      bodies: { source: 'text', parts: 'text' },
    });
  }

  /**
   * The same rule as the webhook normalizer (edge/zendesk/author.ts), with the sideloaded user's role
   * to go on: our own user is 'ai'; staff (agent, admin) 'agent'; any end user, the requester or a CC,
   * 'customer'; a user whose role is not given: the requester 'customer', anyone else 'agent'.
   */
  private zendeskAuthor(c: ZendeskComment, requesterId: string | null, users: Map<string, ZendeskUser>): Message['author'] {
    const authorId = c.author_id ?? null;
    const role = authorId ? users.get(authorId)?.role : undefined;
    const isStaff = role === 'agent' || role === 'admin' ? true : role === 'end-user' ? false : undefined;
    return zendeskAuthor({ botUserId: this.options.zendeskBotUserId }, { id: authorId, isStaff }, requesterId);
  }

  private access(provider: 'zendesk' | 'intercom', tenant: string, access: HelpdeskAccess | undefined, own: string | undefined): HelpdeskAccess {
    if (!tenant.startsWith(`${provider}:`)) throw new HelpdeskError(provider, 0, `${provider}_bad_request`, `${tenant} is not a ${provider} tenant`, true);
    if (!access) {
      const setting = provider === 'zendesk' ? `${ZENDESK_CREDENTIALS_HINT} (and ZENDESK_SUBDOMAIN)` : 'INTERCOM_ACCESS_TOKEN';
      throw new HelpdeskError(provider, 0, `${provider}_not_configured`, `${provider}: no credentials to read ${tenant} (set ${setting})`, true);
    }
    // One set of credentials reaches one account: never read another tenant's data with it.
    if (own && tenant !== own) throw new HelpdeskError(provider, 0, `${provider}_wrong_tenant`, `${provider}: the configured credentials belong to ${own}, not ${tenant}`, true);
    return access;
  }
}

