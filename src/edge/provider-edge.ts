import type { Provider, Thread } from '../domain/thread';

/** Header names are lower-cased, as Node delivers them. */
export type Headers = Record<string, string | string[] | undefined>;

/** `account`: the installed account whose own secret signed it, when not one of the configured secrets. */
export type Verification = { ok: true; account?: SigningAccount } | { ok: false; code: string; message: string };

/** An installed account with a webhook signing secret of its own (a Zendesk install creates its webhook). */
export interface SigningAccount {
  tenant: string;
  secret: string;
  /** draftpilot's own user in that account */
  botUserId?: string;
}

/** Where a verified, parsed delivery goes. */
export type Route =
  /** a customer message: stored in the inbox, folded into its thread by a job, which drafts for it */
  | { action: 'accept'; deliveryId: string; tenant: string; topic: string; threadId: string }
  /**
   * another message of the thread (an agent's reply or note, draftpilot's own write) or other
   * activity: stored and folded into its thread by a job like a customer message, and drafts nothing
   */
  | { action: 'record'; deliveryId: string; tenant: string; topic: string; threadId: string; reason: string }
  /** answered 200 and dropped: ping, unknown event, stale */
  | { action: 'ignore'; reason: string; detail: string };

export type Parsed = { ok: true; route: Route } | { ok: false; code: string; message: string };

export interface DeliveryContext {
  deliveryId: string;
  tenant: string;
  receivedAt: string;
}

/** The pure inbound contract of one provider; express is an adapter around it. */
export interface ProviderEdge {
  provider: Provider;
  /** the settings an operator compares when verification fails */
  secretSetting: string;
  verify(rawBody: Buffer, headers: Headers, now: Date): Verification;
  /** `account`: what verify found, so the delivery is the tenant of the account that signed it */
  route(json: unknown, headers: Headers, rawBody: Buffer, now: Date, account?: SigningAccount): Parsed;
  normalize(payload: unknown, ctx: DeliveryContext): Thread;
  /**
   * Whether the delivery tells of a message it may carry without its text (a Zendesk trigger body
   * sends ids only): when it yields no message, the job reads the thread from the helpdesk API. An
   * Intercom assignment or close carries no message, so there is nothing to read.
   */
  announcesMessage(payload: unknown): boolean;
  /**
   * The solve this stored delivery tells of (a Zendesk ticket set to solved, an Intercom conversation
   * closed), or undefined: what the sampling of solved conversations starts from.
   */
  solveOf(payload: unknown): SolveEvent | undefined;
}

/** A conversation solved: when, and the satisfaction rating (1 to 5) the event carries, if any. */
export interface SolveEvent {
  at: string;
  rating?: number;
}

/** The topics under which solve events are stored in the inbox (the route's `topic`). */
export const SOLVE_TOPICS = ['ticket.solved', 'conversation.admin.closed'] as const;

export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
