import { z } from 'zod';
import { RECOMMENDATIONS } from './recommendation';

/**
 * What GET /api/reports/:name answers (docs/reports.md): one schema per report, used by the builders'
 * types and by `npx draftpilot report` to read the answers. Pure.
 */

export const REPORT_NAMES = ['unanswered', 'content', 'low-confidence', 'handoff', 'readiness'] as const;
export type ReportName = (typeof REPORT_NAMES)[number];
export const isReportName = (name: string): name is ReportName => (REPORT_NAMES as readonly string[]).includes(name);

const header = {
  week: z.string(),
  /** Monday 00:00 UTC of the week */
  from: z.string(),
  /** the next Monday 00:00 UTC (not included) */
  to: z.string(),
  /** the tenant reported on; null: every tenant */
  tenant: z.string().nullable(),
};

const link = z.object({ tenant: z.string(), thread_id: z.string(), draft_id: z.string(), url: z.string().nullable() });
export type ThreadLinkView = z.infer<typeof link>;

const counts = z.record(z.string(), z.number());

export const unansweredReportSchema = z.object({
  report: z.literal('unanswered'),
  ...header,
  /** escalated drafts of the week with missing_source or low_confidence */
  escalations: z.number(),
  /** distinct tickets and conversations among them */
  tickets: z.number(),
  by_reason: z.object({ missing_source: z.number(), low_confidence: z.number() }),
  clusters_total: z.number(),
  clusters: z.array(
    z.object({
      escalations: z.number(),
      tickets: z.number(),
      by_reason: z.object({ missing_source: z.number(), low_confidence: z.number() }),
      /** the content words most of the cluster's questions share, as customers wrote them */
      terms: z.array(z.string()),
      examples: z.array(z.string()),
      links: z.array(link),
      /** tickets of the cluster not listed in links */
      more_tickets: z.number(),
    }),
  ),
});
export type UnansweredReport = z.infer<typeof unansweredReportSchema>;

const article = z.object({ tenant: z.string(), article_id: z.string(), title: z.string(), url: z.string() });

export const contentReportSchema = z.object({
  report: z.literal('content'),
  ...header,
  /** articles cited in drafts that reviews of the week rejected, edited or replaced; most reviews first */
  reviewed_articles: z.array(
    article.extend({
      rejected: z.number(),
      edited: z.number(),
      replaced: z.number(),
      reject_reasons: counts,
      mean_edit_distance: z.number().nullable(),
    }),
  ),
  never_cited: z.object({
    /** articles stored for the tenant(s) (synced help centers; the markdown folder is not stored) */
    stored_articles: z.number(),
    total: z.number(),
    articles: z.array(article),
  }),
  suggested_articles: z.array(z.object({ title: z.string(), escalations: z.number(), tickets: z.number(), terms: z.array(z.string()), examples: z.array(z.string()) })),
});
export type ContentReport = z.infer<typeof contentReportSchema>;

export const outcomeSchema = z.object({ action: z.string(), reason: z.string().nullable(), at: z.string().nullable() });

const calibrationSchema = z.object({
  buckets: z.array(z.object({ from: z.number(), to: z.number(), reviews: z.number(), mean_confidence: z.number().nullable(), clean_rate: z.number().nullable() })),
  ece: z.number().nullable(),
  reviews: z.number(),
});

export const lowConfidenceReportSchema = z.object({
  report: z.literal('low-confidence'),
  ...header,
  /** drafts below this confidence are sampled: the tenant's low_confidence threshold */
  threshold: z.number(),
  /** drafts of the week below the threshold */
  below_threshold: z.number(),
  sample_size: z.number(),
  /** the seed the sample's order is derived from: the same week and tenant give the same sample */
  seed: z.string(),
  strata: z.array(z.object({ category: z.string(), decision: z.string(), drafts: z.number(), sampled: z.number() })),
  sample: z.array(
    link.extend({
      created_at: z.string(),
      category: z.string(),
      decision: z.string(),
      confidence: z.number(),
      reasons: z.array(z.string()),
      question: z.string().nullable(),
      draft: z.string().nullable(),
      /** the draft's latest review; action "no review" when it has none */
      outcome: outcomeSchema,
    }),
  ),
  /** the week's reviews by the confidence of the draft reviewed, against their clean-approval rate */
  calibration: calibrationSchema,
});
export type LowConfidenceReport = z.infer<typeof lowConfidenceReportSchema>;

const fieldCounts = z.array(z.object({ field: z.string(), count: z.number() }));

export const handoffReportSchema = z.object({
  report: z.literal('handoff'),
  ...header,
  /** escalated drafts of the week: each handed a ticket to a person with a brief */
  handoffs: z.number(),
  votes: z.object({ answers: z.number(), useful: z.number(), not_useful: z.number(), useful_share: z.number().nullable() }),
  /** the brief fields agents marked as missing in their feedback, most often first */
  missing_marked: fieldCounts,
  /** what the briefs themselves listed as missing (missing_fields), most often first */
  missing_in_briefs: fieldCounts,
  /** handoffs whose first human reply asked the customer something again (docs/reports.md, handoff) */
  asked_again: z.object({ replied: z.number(), asked: z.number(), share: z.number().nullable() }),
  /** seconds from the handoff to the first public reply of a person */
  first_reply_seconds: z.object({ replied: z.number(), p50: z.number().nullable(), p90: z.number().nullable() }),
});
export type HandoffReport = z.infer<typeof handoffReportSchema>;

const rate = z.number();
/** the lifecycle's figures over a set of reviews (src/lifecycle/evidence.ts) */
const reviewFigures = {
  reviews: z.number(),
  clean_approvals: z.number(),
  clean_rate: rate,
  edit_rate: rate,
  mean_edit_distance: z.number().nullable(),
  reject_rate: rate,
  reject_reasons: counts,
  escalation_rate: rate,
  escalation_reasons: counts,
  replaced_rate: rate,
  source_coverage: rate,
};

export const readinessCategorySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** review, autopilot, or held (sensitive) */
  mode: z.enum(['review', 'autopilot', 'held']),
  sensitive: z.boolean(),
  strict: z.boolean(),
  mode_changed_at: z.string().nullable(),
  recommendation: z.enum(RECOMMENDATIONS),
  why: z.string(),
  /** what readiness still lacks, in words */
  missing: z.array(z.string()),
  /** the readiness window: the category's latest reviews since its last mode change (docs/lifecycle.md, Evidence) */
  evidence: z.object({ ...reviewFigures, window: z.number(), since: z.string().nullable() }),
  /** the sampled reviews of its autopilot replies, which demotion is decided on */
  autopilot_samples: z.object({ reviews: z.number(), rejects: z.number(), reject_rate: rate, strict_rejects: counts, sample_window: z.number(), since: z.string().nullable() }),
  policy: z.object({ min_clean_approvals: z.number(), window: z.number(), min_clean_rate: rate, auto_promote: z.boolean(), sample_window: z.number(), max_reject_rate: rate, strict: z.boolean() }),
  configured_threshold: z.number(),
  /** the lowest autopilot threshold the calibration supports; null without enough reviews */
  suggested_threshold: z.number().nullable(),
  calibration: calibrationSchema,
  /** the report's week: drafts made (volume, autopilot) and the figures of its reviews; null with neither */
  week: z.object({ volume: z.number(), autopilot: z.number(), ...reviewFigures }).nullable(),
  /** reject reasons given repeated_reason_threshold times or more in the week, most often first */
  repeated_reasons: z.array(z.object({ reason: z.string(), count: z.number() })),
});
export type ReadinessCategory = z.infer<typeof readinessCategorySchema>;

export const readinessReportSchema = z.object({
  report: z.literal('readiness'),
  ...header,
  /** a reject reason repeats when given this often in one category in the week (lifecycle.repeated_reason_per_week) */
  repeated_reason_threshold: z.number(),
  /** one section per tenant: the one asked for, else each with drafts or reviews in the week */
  tenants: z.array(
    z.object({
      tenant: z.string(),
      recommendations: z.object({ promote: z.number(), hold: z.number(), demote: z.number(), 'stay sensitive': z.number() }),
      categories: z.array(readinessCategorySchema),
    }),
  ),
});
export type ReadinessReport = z.infer<typeof readinessReportSchema>;

export const reportSchemas = {
  unanswered: unansweredReportSchema,
  content: contentReportSchema,
  'low-confidence': lowConfidenceReportSchema,
  handoff: handoffReportSchema,
  readiness: readinessReportSchema,
} as const satisfies Record<ReportName, z.ZodType>;
export type Report = UnansweredReport | ContentReport | LowConfidenceReport | HandoffReport | ReadinessReport;

/** The reports' query: an ISO week (default the current one) and, optionally, one tenant. */
export interface ReportScope {
  week: string;
  from: Date;
  to: Date;
  tenant: string | null;
}

export function scopeHeader(scope: ReportScope) {
  return { week: scope.week, from: scope.from.toISOString(), to: scope.to.toISOString(), tenant: scope.tenant };
}
