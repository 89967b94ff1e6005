import type { ColumnType, Generated } from 'kysely';

/**
 * received: recorded, waiting for a job; queued: handed to the queue; stored: folded into its thread,
 * the draft still to be made and delivered; done: drafted and delivered (or deliberately nothing to
 * draft: an agent's message or draftpilot's own write); failed: given up on, with last_error (a dead
 * letter, or a permanent helpdesk error); recorded: left by earlier versions, which kept agent and
 * admin activity without folding it into the thread (now such a delivery goes received → done too).
 * A delivery answered `recorded` by the webhook today is stored as received like any other.
 */
export type DeliveryStatus = 'received' | 'queued' | 'stored' | 'done' | 'failed' | 'recorded';

export interface DeliveriesTable {
  id: Generated<string>;
  tenant: string;
  provider: string;
  delivery_id: string;
  topic: string;
  thread_id: string;
  received_at: ColumnType<Date, Date | string, Date | string>;
  payload: string;
  status: DeliveryStatus;
  attempts: Generated<number>;
  last_error: string | null;
  processed_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
}

export interface ThreadsTable {
  tenant: string;
  provider: string;
  thread_id: string;
  subject: string;
  status: string;
  tags: ColumnType<string[], string, string>;
  requester: ColumnType<{ id: string | null; name: string | null; email: string | null }, string, string>;
  messages: ColumnType<unknown[], string, string>;
  version: number;
  updated_at: ColumnType<Date, Date | string, Date | string>;
}

export interface DraftsTable {
  id: string;
  tenant: string;
  provider: string;
  thread_id: string;
  message_id: string;
  requester_id: string | null;
  decision: string;
  category: string;
  intent: string;
  confidence: number;
  sentiment: ColumnType<{ label: string; score: number }, string, string>;
  reasons: ColumnType<string[], string, string>;
  sources: ColumnType<{ id: string; title: string; url: string }[], string, string>;
  draft: string | null;
  brief: ColumnType<unknown, string, string>;
  guard: ColumnType<string[], string, string>;
  model: string;
  usage: ColumnType<unknown, string | null, string | null>;
  created_at: ColumnType<Date, Date | string, Date | string>;
  delivered_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  delivery: ColumnType<unknown, string | null | undefined, string | null>;
  superseded_by: ColumnType<string | null, string | null | undefined, string | null>;
  /** the publication guard's verdict (migration 0008), for a draft that was up for autopilot */
  publication: ColumnType<{ ok: boolean; findings: string[]; sha256: string } | null, string | null | undefined, string | null>;
}

/** A help-center article of one tenant, as plain text (migration 0003). */
export interface ArticlesTable {
  tenant: string;
  /** provider id and locale, e.g. "360001234:en-us": translations share the provider's id */
  id: string;
  title: string;
  url: string;
  locale: string;
  body: string;
  /** the provider's update time */
  updated_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  /** sha256 of title, url, locale and body */
  content_hash: string;
  /** when this row's content was last written */
  synced_at: ColumnType<Date, Date | string, Date | string>;
}

/** The last sync of one tenant's article source (migration 0003). */
export interface KnowledgeSyncTable {
  tenant: string;
  source: string;
  cursor: string | null;
  synced_at: ColumnType<Date, Date | string, Date | string>;
}

export interface Database {
  deliveries: DeliveriesTable;
  threads: ThreadsTable;
  drafts: DraftsTable;
  articles: ArticlesTable;
  knowledge_sync: KnowledgeSyncTable;
  oauth_tokens: OauthTokensTable;
  pending_macros: PendingMacrosTable;
  oauth_state_uses: OauthStateUsesTable;
  reviews: ReviewsTable;
  brief_feedback: BriefFeedbackTable;
  tenant_settings: TenantSettingsTable;
  samples: SamplesTable;
}

/** An autopilot reply or a solved conversation sampled for an after-the-fact review (migration 0011). */
export interface SamplesTable {
  id: string;
  tenant: string;
  provider: string;
  thread_id: string;
  /** the draft the review is about: the autopilot reply, or the solved conversation's newest draft */
  draft_id: string | null;
  category: string;
  /** autopilot | solved */
  kind: string;
  /** autopilot | ai_good | ai_bad | human_good | human_bad */
  stratum: string;
  /** reopened | low_rating | repeat_contact: why a solved conversation looks bad */
  signals: ColumnType<string[], string, string>;
  /** minimum | rate: the rule that sampled it */
  why: string;
  /** draft:<draft id> or solve:<delivery id>: unique per tenant and provider, so an item is sampled once */
  subject: string;
  /** ISO week of the reply or the solve (2026-W48): the stratification counts per week */
  week: string;
  created_at: ColumnType<Date, Date | string, Date | string>;
  delivered_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  delivery: ColumnType<unknown, string | null | undefined, string | null>;
  /** the first review of the draft given after it was sampled */
  review_id: ColumnType<string | null, string | null | undefined, string | null>;
  reviewed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** An agent's review of a draft (migration 0009; docs/contracts.md, Reviews). */
export interface ReviewsTable {
  id: string;
  draft_id: string;
  tenant: string;
  provider: string;
  /** approve | edit | reject | escalate | replaced */
  action: string;
  /** a reject reason of the taxonomy (or an escalation's), else null */
  reason: string | null;
  /** the agent's words: required with reason "other" */
  text: string | null;
  /** what the agent sent to the customer (approve, edit, replaced) */
  sent_text: string | null;
  agent_id: string;
  agent_name: string | null;
  /** sha256 (hex) of the draft text reviewed; null when the draft had no text */
  draft_version: string | null;
  /** Levenshtein distance from the draft to the sent text (both normalized); null without both */
  edit_distance: number | null;
  seconds_to_review: number;
  /** zendesk_app | intercom_app | implicit | api */
  source: string;
  created_at: ColumnType<Date, Date | string, Date | string>;
}

/** "Was this brief useful?" (migration 0009). */
export interface BriefFeedbackTable {
  id: string;
  draft_id: string;
  tenant: string;
  provider: string;
  useful: boolean;
  /** the brief field the agent missed, if any */
  missing: string | null;
  agent_id: string;
  agent_name: string | null;
  source: string;
  created_at: ColumnType<Date, Date | string, Date | string>;
}

/** A tenant's own settings (migration 0009): the last good ones, and the last refused update. */
export interface TenantSettingsTable {
  tenant: string;
  settings: ColumnType<unknown, string | null, string | null>;
  source: string | null;
  applied_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  last_error: ColumnType<unknown, string | null, string | null>;
  last_error_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  updated_at: ColumnType<Date, Date | string, Date | string>;
}

/** Install-link states already used (migration 0008): each works once. */
export interface OauthStateUsesTable {
  nonce: string;
  used_at: ColumnType<Date, Date | string, Date | string>;
}

/** Zendesk macros holding a draft (migration 0007); active while removed_at is null. */
export interface PendingMacrosTable {
  macro_id: string;
  /** zendesk:<subdomain> */
  tenant: string;
  ticket_id: string;
  draft_id: string;
  title: string;
  created_at: ColumnType<Date, Date | string, Date | string>;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  removed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** applied | answered | superseded | ticket_solved | ticket_deleted | expired | gone */
  removed_reason: string | null;
}

/** OAuth tokens of one account (migration 0005): a TokenCipher record, never a plaintext token. */
export interface OauthTokensTable {
  /** zendesk:<subdomain> */
  account: string;
  /** TokenCipher.seal(JSON of StoredTokens, aad = account) */
  sealed: string;
  updated_at: ColumnType<Date, Date | string, Date | string>;
}
