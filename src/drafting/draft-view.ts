import { z } from 'zod';
import type { DeliveryStatus } from '../store/schema';
import type { DraftRow } from './draft-store';
import { BriefFeedbackView, briefFeedbackViewSchema, ReviewView, reviewViewSchema } from '../reviews/review-view';

/**
 * What the operator API shows of a stored draft: one schema per answer, used by the routes to build
 * them and by `npx draftpilot drafts` to read them. Pure: no store, no HTTP.
 */

/** newDraftId(): `d_` and 12 base64url characters. */
export const DRAFT_ID = /^d_[A-Za-z0-9_-]{12}$/;

export const draftIdSchema = z.string().regex(DRAFT_ID, 'a draft id is d_ followed by 12 letters, digits, - or _ (e.g. d_Xk3v9QpLm2Wd)');

/** pending: not delivered yet; delivered: written (or found already written); shadow: recorded, nothing written; failed: refused for good. */
export const draftStatusSchema = z.enum(['pending', 'delivered', 'shadow', 'failed']);
export type DraftStatus = z.infer<typeof draftStatusSchema>;

const writeSchema = z.object({ method: z.string(), path: z.string(), body: z.unknown() });
export type HelpdeskWrite = z.infer<typeof writeSchema>;

/** The stored `delivery` column (DeliveryOutcome, plus `failed` after a permanent error), read leniently. */
const storedOutcomeSchema = z.looseObject({
  written: z.boolean().optional(),
  shadow: z.boolean().optional(),
  failed: z.boolean().optional(),
  apiCalls: z.number().optional(),
  writes: z.array(writeSchema).optional(),
  detail: z.string().optional(),
});
type StoredOutcome = z.infer<typeof storedOutcomeSchema>;

function storedOutcome(value: unknown): StoredOutcome | null {
  if (value === null || value === undefined) return null;
  const parsed = storedOutcomeSchema.safeParse(value);
  // A row the schema does not know (written by another version) still shows what it can: its detail.
  return parsed.success ? parsed.data : { detail: typeof value === 'object' ? JSON.stringify(value).slice(0, 500) : String(value) };
}

/** What became of a draft's delivery, from its recorded outcome. */
export function deliveryStatus(delivery: { shadow?: boolean | undefined; failed?: boolean | undefined } | null): DraftStatus {
  if (!delivery) return 'pending';
  if (delivery.failed) return 'failed';
  return delivery.shadow ? 'shadow' : 'delivered';
}

const iso = z.string();

/** One line of GET /api/drafts: the decision and the delivery, without the draft text or the brief. */
export const draftSummarySchema = z.object({
  id: z.string(),
  provider: z.string(),
  tenant: z.string(),
  thread_id: z.string(),
  message_id: z.string(),
  decision: z.string(),
  reasons: z.array(z.string()),
  category: z.string(),
  confidence: z.number(),
  model: z.string(),
  created_at: iso,
  delivered_at: iso.nullable(),
  status: draftStatusSchema,
  error: z.string().nullable(),
  delivery: z
    .object({ shadow: z.boolean().nullable(), written: z.boolean().nullable(), api_calls: z.number().nullable(), detail: z.string().nullable() })
    .nullable(),
});
export type DraftSummary = z.infer<typeof draftSummarySchema>;

export const draftListSchema = z.object({
  drafts: z.array(draftSummarySchema),
  api_calls: z.record(z.string(), z.object({ messages: z.number(), api_calls: z.number(), per_message: z.number() })),
});
export type DraftList = z.infer<typeof draftListSchema>;

/** A webhook delivery of the draft's thread, as the inbox stores it (no payload). */
const threadDeliverySchema = z.object({
  delivery_id: z.string(),
  topic: z.string(),
  status: z.string(),
  attempts: z.number(),
  last_error: z.string().nullable(),
  received_at: iso,
  processed_at: iso.nullable(),
});
export type ThreadDelivery = z.infer<typeof threadDeliverySchema>;

/** A draft's sample: why it was picked, and the review it got since, if any. */
export const sampleViewSchema = z.object({
  id: z.string(),
  kind: z.enum(['autopilot', 'solved']),
  stratum: z.string(),
  signals: z.array(z.string()),
  created_at: iso,
  review_id: z.string().nullable(),
});
export type SampleView = z.infer<typeof sampleViewSchema>;

/** A stored sample row as the API shows it. */
export function sampleView(row: { id: string; kind: string; stratum: string; signals: string[]; created_at: Date | string; review_id: string | null }): SampleView {
  return { id: row.id, kind: row.kind === 'solved' ? 'solved' : 'autopilot', stratum: row.stratum, signals: row.signals, created_at: new Date(row.created_at).toISOString(), review_id: row.review_id };
}

/** GET /api/drafts/:id: everything the list shows, and the draft, the brief and the writes. */
export const draftDetailSchema = draftSummarySchema.extend({
  requester_id: z.string().nullable(),
  intent: z.string(),
  sentiment: z.object({ label: z.string(), score: z.number() }),
  sources: z.array(z.object({ id: z.string(), title: z.string(), url: z.string() })),
  /** the draft reply (customer identifiers restored); null when there is none */
  draft: z.string().nullable(),
  /** the handoff brief as stored (docs/contracts.md, Handoff brief) */
  brief: z.unknown(),
  guard: z.array(z.string()),
  publication: z.object({ ok: z.boolean(), findings: z.array(z.string()), sha256: z.string() }).nullable(),
  usage: z.unknown(),
  superseded_by: z.string().nullable(),
  delivery: z
    .object({
      shadow: z.boolean().nullable(),
      written: z.boolean().nullable(),
      failed: z.boolean(),
      api_calls: z.number().nullable(),
      detail: z.string().nullable(),
      /** the requests sent to the helpdesk (empty in shadow mode) */
      writes: z.array(writeSchema),
      /** shadow mode: the requests the writer would have sent, and did not */
      would_be_writes: z.array(writeSchema),
    })
    .nullable(),
  /** the thread's webhook deliveries, newest first: their status, attempts, last error and times */
  thread_deliveries: z.array(threadDeliverySchema),
  /** what agents did with the draft, oldest first (docs/contracts.md, Reviews) */
  reviews: z.array(reviewViewSchema),
  /** "was this brief useful?" answers, oldest first */
  brief_feedback: z.array(briefFeedbackViewSchema),
  /** sampled for an after-the-fact review (docs/sampling.md): the newest sample of this draft, or null */
  sampled: sampleViewSchema.nullable(),
});
export type DraftDetail = z.infer<typeof draftDetailSchema>;

/** The inbox columns a detail shows. */
export interface ThreadDeliveryRow {
  delivery_id: string;
  topic: string;
  status: DeliveryStatus | string;
  attempts: number;
  last_error: string | null;
  received_at: Date | string;
  processed_at: Date | string | null;
}

const time = (v: Date | string): string => new Date(v).toISOString();

export function draftSummary(row: DraftRow): DraftSummary {
  const delivery = storedOutcome(row.delivery);
  const status = deliveryStatus(delivery);
  return {
    id: row.id,
    provider: row.provider,
    tenant: row.tenant,
    thread_id: row.thread_id,
    message_id: row.message_id,
    decision: row.decision,
    reasons: row.reasons,
    category: row.category,
    confidence: row.confidence,
    model: row.model,
    created_at: time(row.created_at),
    delivered_at: row.delivered_at ? time(row.delivered_at) : null,
    status,
    error: status === 'failed' ? delivery?.detail ?? null : null,
    delivery: delivery && { shadow: delivery.shadow ?? null, written: delivery.written ?? null, api_calls: delivery.apiCalls ?? null, detail: delivery.detail ?? null },
  };
}

export function draftDetail(
  row: DraftRow,
  deliveries: readonly ThreadDeliveryRow[],
  recorded: { reviews: readonly ReviewView[]; briefFeedback: readonly BriefFeedbackView[]; sample?: SampleView | null },
): DraftDetail {
  const summary = draftSummary(row);
  const delivery = storedOutcome(row.delivery);
  const writes = delivery?.writes ?? [];
  return {
    ...summary,
    requester_id: row.requester_id,
    intent: row.intent,
    sentiment: row.sentiment,
    sources: row.sources,
    draft: row.draft,
    brief: row.brief,
    guard: row.guard,
    publication: row.publication,
    usage: row.usage ?? null,
    superseded_by: row.superseded_by,
    delivery: delivery && {
      ...summary.delivery!,
      failed: delivery.failed === true,
      writes: delivery.shadow ? [] : writes,
      would_be_writes: delivery.shadow ? writes : [],
    },
    thread_deliveries: deliveries.map((d) => ({
      delivery_id: d.delivery_id,
      topic: d.topic,
      status: d.status,
      attempts: d.attempts,
      last_error: d.last_error,
      received_at: time(d.received_at),
      processed_at: d.processed_at ? time(d.processed_at) : null,
    })),
    reviews: [...recorded.reviews],
    brief_feedback: [...recorded.briefFeedback],
    sampled: recorded.sample ?? null,
  };
}
