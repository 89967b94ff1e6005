import type { IncomingMessage, ServerResponse } from 'node:http';
import { LocalServer } from './local-server';

/**
 * An Intercom stand-in: a real HTTP server on 127.0.0.1 implementing the calls the service makes of
 * Intercom (the writer through intercom-client, the workspace check, the tag list and the Articles
 * sync), with conversations as Intercom models them (2.x: `source`, `contacts`, `conversation_parts`):
 *
 *   GET  /me                                  the token's admin and its workspace (app.id_code)
 *   GET  /tags, POST /tags                    the workspace's tags; create returns the tag by name
 *   GET  /articles?page=&per_page=            the published articles given in the options
 *   GET  /conversations/{id}?display_as=...   the conversation; plaintext: bodies without HTML
 *   POST /conversations/{id}/reply            a note or comment by an admin: appended, the conversation answered
 *   POST /conversations/{id}/parts            an assignment (no body)
 *   POST /conversations/{id}/tags             tags the conversation
 *
 * Anything else is answered 404 and kept in `unexpected`; every request is kept in `requests`.
 * `notification` builds the webhook Intercom would send about a conversation, for the test to post.
 */

export interface StandInPart {
  type: 'conversation_part';
  id: string;
  part_type: string;
  /** as Intercom stores it: HTML */
  body: string | null;
  created_at: number;
  updated_at: number;
  notified_at: number;
  author: { type: string; id: string; name: string; email: string };
  attachments: [];
  redacted: false;
}

export interface StandInConversation {
  id: string;
  created_at: number;
  state: string;
  contact: { id: string; name: string; email: string };
  sourceId: string;
  /** the customer's opening message, HTML */
  sourceBody: string;
  parts: StandInPart[];
  tags: { id: string; name: string }[];
}

export interface IntercomStandInOptions {
  token: string;
  /** the workspace (app id_code) the token belongs to */
  workspace: string;
  /** the token's admin (GET /me) */
  adminId: string;
  articles?: { id: string; title: string; url: string; body: string }[];
}

export interface SeenIntercomRequest {
  method: string;
  url: string;
  body?: unknown;
  status?: number;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const plain = (html: string) =>
  html
    .replace(/<br\s*\/?>|<\/p>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();

export class IntercomStandIn {
  readonly requests: SeenIntercomRequest[] = [];
  readonly unexpected: SeenIntercomRequest[] = [];
  readonly conversations = new Map<string, StandInConversation>();
  private readonly tags = new Map<string, string>();
  private readonly http = new LocalServer('intercom stand-in', (req, res) => this.handle(req, res), (res, err) => this.send(res, 500, { type: 'error.list', errors: [{ code: 'server_error', message: String(err) }] }));
  private nextId = 31_000_500_000;
  private nextNotification = 1;

  constructor(private readonly options: IntercomStandInOptions) {}

  get baseUrl(): string {
    return this.http.origin;
  }

  start(): Promise<void> {
    return this.http.start();
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  /** A conversation a customer has just started with `text`. */
  startConversation(id: string, contact: { id: string; name: string; email: string }, text: string): StandInConversation {
    const now = Math.floor(Date.now() / 1000);
    const conversation: StandInConversation = { id, created_at: now, state: 'open', contact, sourceId: String(this.nextId++), sourceBody: `<p>${esc(text)}</p>`, parts: [], tags: [] };
    this.conversations.set(id, conversation);
    return conversation;
  }

  /** A part someone adds in Intercom: the customer's reply, a teammate's note or reply. */
  addPart(conversationId: string, author: StandInPart['author'], partType: string, text: string): StandInPart {
    return this.append(this.conversation(conversationId), author, partType, `<p>${esc(text)}</p>`);
  }

  /** The parts written by the given admin (what draftpilot wrote). */
  partsBy(conversationId: string, adminId: string): StandInPart[] {
    return this.conversation(conversationId).parts.filter((p) => p.author.type === 'admin' && p.author.id === adminId);
  }

  /**
   * The webhook notification Intercom sends about a conversation, dated now: the conversation as its
   * API version models it, with the parts named (a reply or note notification carries the new part).
   * `bodies: 'text'` writes part bodies as plain text, as webhooks do from API 2.15.
   */
  notification(topic: string, conversationId: string, partIds: string[] = [], bodies: 'html' | 'text' = 'html'): Record<string, unknown> {
    const c = this.conversation(conversationId);
    const now = Math.floor(Date.now() / 1000);
    const parts = c.parts.filter((p) => partIds.includes(p.id)).map((p) => ({ ...p, body: p.body !== null && bodies === 'text' ? plain(p.body) : p.body }));
    return {
      type: 'notification_event',
      app_id: this.options.workspace,
      data: { type: 'notification_event_data', item: this.model(c, parts) },
      links: {},
      id: `notif_standin_${conversationId}_${this.nextNotification++}`,
      topic,
      delivery_status: 'pending',
      delivery_attempts: 1,
      delivered_at: 0,
      first_sent_at: now,
      created_at: now,
      self: null,
    };
  }

  private conversation(id: string): StandInConversation {
    const c = this.conversations.get(id);
    if (!c) throw new Error(`intercom stand-in: no conversation ${id}`);
    return c;
  }

  private append(c: StandInConversation, author: StandInPart['author'], partType: string, body: string | null): StandInPart {
    const now = Math.floor(Date.now() / 1000);
    const part: StandInPart = { type: 'conversation_part', id: String(this.nextId++), part_type: partType, body, created_at: now, updated_at: now, notified_at: now, author, attachments: [], redacted: false };
    c.parts.push(part);
    return part;
  }

  private model(c: StandInConversation, parts: StandInPart[], plaintext = false) {
    return {
      type: 'conversation',
      id: c.id,
      created_at: c.created_at,
      updated_at: Math.floor(Date.now() / 1000),
      title: null,
      state: c.state,
      open: c.state === 'open',
      team_assignee_id: null,
      tags: { type: 'tag.list', tags: c.tags.map((t) => ({ type: 'tag', ...t })) },
      source: {
        type: 'conversation',
        id: c.sourceId,
        delivered_as: 'customer_initiated',
        subject: '',
        body: plaintext ? plain(c.sourceBody) : c.sourceBody,
        author: { type: 'user', ...c.contact },
        attachments: [],
        url: null,
      },
      contacts: { type: 'contact.list', contacts: [{ type: 'contact', id: c.contact.id, external_id: null }] },
      conversation_parts: { type: 'conversation_part.list', conversation_parts: plaintext ? parts.map((p) => ({ ...p, body: p.body === null ? null : plain(p.body) })) : parts, total_count: parts.length },
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await new Promise<string>((resolve, reject) => {
      let t = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (t += d));
      req.on('end', () => resolve(t));
      req.on('error', reject);
    });
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = (req.method ?? 'GET').toUpperCase();
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    const seen: SeenIntercomRequest = { method, url: `${url.pathname}${url.search}`, ...(body ? { body } : {}) };
    this.requests.push(seen);
    const answer = (status: number, payload: unknown) => {
      seen.status = status;
      this.send(res, status, payload);
    };
    if (req.headers.authorization !== `Bearer ${this.options.token}`) return answer(401, { type: 'error.list', errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] });

    const path = url.pathname;
    if (method === 'GET' && path === '/me') return answer(200, { type: 'admin', id: this.options.adminId, email: 'bot@acme.test', name: 'draftpilot', app: { type: 'app', id_code: this.options.workspace, name: 'Acme' } });
    if (method === 'GET' && path === '/tags') return answer(200, { type: 'list', data: [...this.tags].map(([name, id]) => ({ type: 'tag', id, name })) });
    if (method === 'POST' && path === '/tags') {
      const name = String(body?.name);
      if (!this.tags.has(name)) this.tags.set(name, String(this.nextId++));
      return answer(200, { type: 'tag', id: this.tags.get(name), name });
    }
    if (method === 'GET' && path === '/articles') {
      const data = (this.options.articles ?? []).map((a) => ({ type: 'article', ...a, state: 'published', default_locale: 'en', updated_at: 1795000000 }));
      return answer(200, { type: 'list', pages: { type: 'pages', page: 1, per_page: 50, total_pages: 1 }, total_count: data.length, data });
    }
    const m = /^\/conversations\/([^/]+)(?:\/(reply|parts|tags))?$/.exec(path);
    const c = m ? this.conversations.get(m[1]!) : undefined;
    if (m && !c) return answer(404, { type: 'error.list', errors: [{ code: 'not_found', message: 'Resource Not Found' }] });
    if (c && method === 'GET' && !m![2]) return answer(200, this.model(c, c.parts, url.searchParams.get('display_as') === 'plaintext'));
    if (c && method === 'POST' && m![2] === 'reply') {
      const admin = String(body?.admin_id);
      const messageType = String(body?.message_type);
      this.append(c, { type: 'admin', id: admin, name: 'draftpilot', email: 'bot@acme.test' }, messageType, String(body?.body ?? ''));
      return answer(200, this.model(c, c.parts));
    }
    if (c && method === 'POST' && m![2] === 'parts') {
      this.append(c, { type: 'admin', id: String(body?.admin_id), name: 'draftpilot', email: 'bot@acme.test' }, String(body?.message_type), null);
      return answer(200, this.model(c, c.parts));
    }
    if (c && method === 'POST' && m![2] === 'tags') {
      const id = String(body?.id);
      const name = [...this.tags].find(([, tagId]) => tagId === id)?.[0] ?? id;
      if (!c.tags.some((t) => t.id === id)) c.tags.push({ id, name });
      return answer(200, { type: 'tag', id, name });
    }
    this.unexpected.push(seen);
    return answer(404, { type: 'error.list', errors: [{ code: 'not_found', message: `the stand-in does not implement ${method} ${path}` }] });
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}
