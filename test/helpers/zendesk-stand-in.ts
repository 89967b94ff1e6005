import type { IncomingMessage, ServerResponse } from 'node:http';
import { LocalServer } from './local-server';

/**
 * A Zendesk stand-in for tests that run the service as a child process (where nock cannot reach):
 * a real HTTP server on 127.0.0.1 implementing exactly the calls the Zendesk writer makes
 * (src/delivery/zendesk/zendesk-writer.ts), plus the help-center listing the worker's knowledge sync
 * reads once at start (answered with an empty help center, so it is not mistaken for a stray call).
 *
 *   GET /api/v2/tickets/{id}.json                 the ticket (status, tags, updated_at, assignee, group, requester)
 *   PUT /api/v2/tickets/{id}.json                 applies ticket.comment and ticket.tags; honours safe_update
 *                                                 (409 when updated_stamp is not the ticket's updated_at)
 *   GET /api/v2/tickets/{id}/comments.json?...    the comments, newest first with sort=-created_at, page[size]
 *   GET /api/v2/help_center/locales.json          one locale
 *   GET /api/v2/help_center/{locale}/articles.json the articles given in the options (none by default)
 *   GET /api/v2/apps/{app id}/public_key.pem       the sidebar app's public key (`appKey`; anonymous, as on Zendesk)
 *   GET /api/v2/apps/installations/{id}.json       an installation and its settings (`installations`)
 *   GET /api/v2/users/{id}.json                    a user and their role (`users`; an unknown id is an agent)
 *
 * Anything else is answered 404 and kept in `unexpected`. Every request is kept in `requests`.
 *
 * A test picks a kill point with `hook`, called on every ticket request before it is handled (it may
 * wait, e.g. until the test has posted all its deliveries, before it decides):
 *   'pass'             handle it normally
 *   'kill-before'      call `kill` (the test's child process) and drop the connection: nothing applied
 *   'kill-after-apply' PUT only: apply the update, then `kill` and drop the connection: the write
 *                      happened but its answer is lost
 *   'fail-500'         answer 500 without applying anything
 *   'fail-429'         answer 429 with Retry-After: 1 without applying anything (the account's rate limit)
 */

export type RequestKind = 'ticket.show' | 'ticket.update' | 'ticket.comments' | 'help_center' | 'app.public_key' | 'app.installation' | 'user.show' | 'unexpected';
export type HookAction = 'pass' | 'kill-before' | 'kill-after-apply' | 'fail-500' | 'fail-429';

export interface SeenRequest {
  seq: number;
  at: number;
  method: string;
  /** path and query as sent */
  url: string;
  kind: RequestKind;
  /** the ticket id; for the app routes, the app or installation id */
  ticketId?: string;
  body?: unknown;
  /** the status answered; undefined when the connection was dropped (a kill point) */
  status?: number;
  action: HookAction;
}

export interface StandInComment {
  id: number;
  author_id: number;
  body: string;
  html_body: string;
  plain_body: string;
  public: boolean;
  created_at: string;
}

export interface StandInTicket {
  id: number;
  status: string;
  tags: string[];
  updated_at: string;
  assignee_id: number | null;
  group_id: number | null;
  requester_id: number;
  comments: StandInComment[];
}

export interface StandInOptions {
  /** the author id given to comments written through the API (the token's user: ZENDESK_BOT_USER_ID) */
  botUserId: number;
  /** the bearer token every request must carry; 401 otherwise */
  token: string;
  /** the help center's published articles (Zendesk's article shape: title, html_url, body as HTML) */
  articles?: { id: number; title: string; html_url: string; body: string }[];
}

const REQUESTER_ID = 9160112233;

export class ZendeskStandIn {
  readonly requests: SeenRequest[] = [];
  readonly unexpected: SeenRequest[] = [];
  readonly tickets = new Map<string, StandInTicket>();
  /** the sidebar app's id and public key (PEM), served at /api/v2/apps/{id}/public_key.pem */
  appKey: { appId: string; pem: string } | undefined;
  /** app installations by id: their settings as an admin entered them */
  readonly installations = new Map<string, Record<string, unknown>>();
  /** users' roles by id; a user not listed is an agent */
  readonly users = new Map<string, 'admin' | 'agent' | 'end-user'>();
  /** decides what happens to each request (see the file comment); normal behaviour by default */
  hook: (req: SeenRequest) => HookAction | Promise<HookAction> = () => 'pass';
  /** what a kill point kills: set by the test to its current child process */
  kill: () => void = () => {
    throw new Error('zendesk stand-in: a kill point was reached but no kill function is set');
  };
  private readonly http = new LocalServer('zendesk stand-in', (req, res) => this.handle(req, res), (res, err) => this.send(res, 500, { error: String(err) }));
  private nextId = 70_000;
  private clock = Date.parse('2026-11-27T10:00:00Z');
  private seq = 0;

  constructor(private readonly options: StandInOptions) {}

  get baseUrl(): string {
    return `${this.http.origin}`;
  }

  start(): Promise<void> {
    return this.http.start();
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  /** A ticket with the customer's comment on it, as Zendesk has it when the webhook fires. */
  addTicket(id: string, customerText: string): StandInTicket {
    const ticket: StandInTicket = {
      id: Number(id),
      status: 'open',
      tags: ['web_form', 'shipping'],
      updated_at: this.tick(),
      assignee_id: 9160445566,
      group_id: 360009876543,
      requester_id: REQUESTER_ID,
      comments: [],
    };
    ticket.comments.push(this.comment(REQUESTER_ID, customerText, `<p>${customerText}</p>`, true));
    this.tickets.set(id, ticket);
    return ticket;
  }

  /** A comment someone adds in Zendesk (the webhook about it is the test's to send); returns it. */
  addComment(ticketId: string, authorId: number, text: string, isPublic: boolean): StandInComment {
    const ticket = this.tickets.get(ticketId);
    if (!ticket) throw new Error(`zendesk stand-in: no ticket ${ticketId}`);
    const comment = this.comment(authorId, text, `<p>${text}</p>`, isPublic);
    ticket.comments.push(comment);
    ticket.updated_at = this.tick();
    return comment;
  }

  /** The requester of every stand-in ticket. */
  static readonly REQUESTER_ID = REQUESTER_ID;

  /** The comments on a ticket written by the API user (draftpilot). */
  botComments(id: string): StandInComment[] {
    return (this.tickets.get(id)?.comments ?? []).filter((c) => c.author_id === this.options.botUserId);
  }

  /** The requests about tickets (what the writer sends), in order. */
  ticketRequests(): SeenRequest[] {
    return this.requests.filter((r) => r.kind.startsWith('ticket.'));
  }

  /** Clears the request log and puts the hook back to normal (the tickets stay). */
  reset(): void {
    this.requests.length = 0;
    this.unexpected.length = 0;
    this.hook = () => 'pass';
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = (req.method ?? 'GET').toUpperCase();
    const route = classify(method, url.pathname);
    let body: unknown;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const seen: SeenRequest = { seq: ++this.seq, at: Date.now(), method, url: `${url.pathname}${url.search}`, kind: route.kind, ...(route.ticketId ? { ticketId: route.ticketId } : {}), ...(body === undefined ? {} : { body }), action: 'pass' };
    this.requests.push(seen);
    if (route.kind === 'unexpected') {
      this.unexpected.push(seen);
      this.answer(res, seen, 404, { error: 'RecordNotFound', description: `the stand-in does not implement ${method} ${url.pathname}` });
      return;
    }
    if (route.kind === 'app.public_key') {
      const key = this.appKey;
      if (!key || route.ticketId !== key.appId) this.answer(res, seen, 404, { error: 'RecordNotFound', description: 'Not found' });
      else {
        seen.status = 200;
        res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(key.pem);
      }
      return;
    }
    if (req.headers.authorization !== `Bearer ${this.options.token}`) {
      this.answer(res, seen, 401, { error: 'Couldn\'t authenticate you' });
      return;
    }

    const action = route.kind === 'help_center' ? 'pass' : await this.hook(seen);
    seen.action = action;
    if (action === 'kill-before') {
      this.kill();
      res.socket?.destroy();
      return;
    }
    if (action === 'fail-500') {
      this.answer(res, seen, 500, { error: 'InternalError', description: 'stand-in: a failure chosen by the test' });
      return;
    }
    if (action === 'fail-429') {
      res.setHeader('retry-after', '1');
      this.answer(res, seen, 429, { error: 'TooManyRequests', description: 'stand-in: the rate limit, chosen by the test' });
      return;
    }
    if (action === 'kill-after-apply' && route.kind !== 'ticket.update') throw new Error(`kill-after-apply is for PUT only, got ${method} ${seen.url}`);

    if (route.kind === 'help_center') {
      if (url.pathname.endsWith('/locales.json')) this.answer(res, seen, 200, { locales: ['en-us'], default_locale: 'en-us' });
      else {
        const articles = (this.options.articles ?? []).map((a) => ({ ...a, locale: 'en-us', draft: false, updated_at: '2026-11-01T00:00:00Z' }));
        this.answer(res, seen, 200, { articles, meta: { has_more: false }, links: { next: null } });
      }
      return;
    }

    if (route.kind === 'user.show') {
      this.answer(res, seen, 200, { user: { id: Number(route.ticketId), role: this.users.get(route.ticketId!) ?? 'agent' } });
      return;
    }
    if (route.kind === 'app.installation') {
      const settings = this.installations.get(route.ticketId!);
      if (!settings) this.answer(res, seen, 404, { error: 'RecordNotFound', description: 'Not found' });
      else this.answer(res, seen, 200, { id: Number(route.ticketId), app_id: Number(this.appKey?.appId ?? 0), product: 'support', enabled: true, settings: { ...settings }, settings_objects: Object.entries(settings).map(([name, value]) => ({ name, value })) });
      return;
    }
    const ticket = this.tickets.get(route.ticketId!);
    if (!ticket) {
      this.answer(res, seen, 404, { error: 'RecordNotFound', description: 'Not found' });
      return;
    }
    if (route.kind === 'ticket.show') {
      this.answer(res, seen, 200, { ticket: ticketView(ticket) });
      return;
    }
    if (route.kind === 'ticket.comments') {
      const newestFirst = url.searchParams.get('sort') === '-created_at';
      const size = Math.min(100, Number(url.searchParams.get('page[size]') ?? 100) || 100);
      const ordered = newestFirst ? [...ticket.comments].reverse() : [...ticket.comments];
      const page = ordered.slice(0, size);
      this.answer(res, seen, 200, { comments: page, meta: { has_more: ordered.length > size, after_cursor: null, before_cursor: null }, links: { next: null, prev: null } });
      return;
    }

    // PUT: the update, as Zendesk applies it
    const update = (body as { ticket?: { comment?: { body?: string; html_body?: string; public?: boolean }; tags?: string[]; safe_update?: boolean; updated_stamp?: string; group_id?: number } } | undefined)?.ticket;
    if (!update) {
      this.answer(res, seen, 400, { error: 'InvalidEndpoint', description: 'a ticket update needs {ticket: ...}' });
      return;
    }
    if (update.safe_update && update.updated_stamp !== ticket.updated_at) {
      this.answer(res, seen, 409, { error: 'UpdateConflict', description: 'Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again.' });
      return;
    }
    let added: StandInComment | undefined;
    if (update.comment) {
      const html = update.comment.html_body ?? (update.comment.body ? `<p>${update.comment.body}</p>` : '');
      const plain = update.comment.body ?? html.replace(/<[^>]+>/g, '');
      added = this.comment(this.options.botUserId, plain, html, update.comment.public ?? true);
      ticket.comments.push(added);
    }
    if (update.tags) ticket.tags = [...update.tags];
    if (update.group_id !== undefined) ticket.group_id = update.group_id;
    ticket.updated_at = this.tick();
    if (action === 'kill-after-apply') {
      this.kill();
      res.socket?.destroy();
      return;
    }
    const audit = { id: this.nextId++, ticket_id: ticket.id, created_at: ticket.updated_at, author_id: this.options.botUserId, events: added ? [{ id: added.id, type: 'Comment', author_id: added.author_id, body: added.body, html_body: added.html_body, public: added.public }] : [] };
    this.answer(res, seen, 200, { ticket: ticketView(ticket), audit });
  }

  private comment(authorId: number, body: string, html: string, isPublic: boolean): StandInComment {
    return { id: this.nextId++, author_id: authorId, body, html_body: html, plain_body: body, public: isPublic, created_at: this.tick() };
  }

  /** Zendesk times have a resolution of a second: every change moves the clock by one. */
  private tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  private answer(res: ServerResponse, seen: SeenRequest, status: number, body: unknown): void {
    seen.status = status;
    this.send(res, status, body);
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}

function ticketView(t: StandInTicket) {
  return { id: t.id, status: t.status, tags: [...t.tags], updated_at: t.updated_at, assignee_id: t.assignee_id, group_id: t.group_id, requester_id: t.requester_id, subject: 'Where is my order?' };
}

function classify(method: string, pathname: string): { kind: RequestKind; ticketId?: string } {
  let m = /^\/api\/v2\/tickets\/(\d+)\.json$/.exec(pathname);
  if (m && method === 'GET') return { kind: 'ticket.show', ticketId: m[1]! };
  if (m && method === 'PUT') return { kind: 'ticket.update', ticketId: m[1]! };
  m = /^\/api\/v2\/tickets\/(\d+)\/comments\.json$/.exec(pathname);
  if (m && method === 'GET') return { kind: 'ticket.comments', ticketId: m[1]! };
  m = /^\/api\/v2\/apps\/(\d+)\/public_key\.pem$/.exec(pathname);
  if (m && method === 'GET') return { kind: 'app.public_key', ticketId: m[1]! };
  m = /^\/api\/v2\/apps\/installations\/(\d+)\.json$/.exec(pathname);
  if (m && method === 'GET') return { kind: 'app.installation', ticketId: m[1]! };
  m = /^\/api\/v2\/users\/(\d+)\.json$/.exec(pathname);
  if (m && method === 'GET') return { kind: 'user.show', ticketId: m[1]! };
  if (method === 'GET' && (pathname === '/api/v2/help_center/locales.json' || /^\/api\/v2\/help_center\/[a-z-]+\/articles\.json$/i.test(pathname))) return { kind: 'help_center' };
  return { kind: 'unexpected' };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (text += d));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}
