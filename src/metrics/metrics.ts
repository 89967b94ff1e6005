import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * draftpilot's metrics (docs/operations.md, Metrics), one registry per process, from prom-client (the
 * maintained Prometheus client for Node). Each process (ROLE=web, ROLE=worker or both) serves its own
 * at GET /metrics; Prometheus scrapes each and sums. Counters are incremented where the event happens;
 * the queue gauges are read from the store when scraped (setQueueCollector).
 *
 * Labels are bounded: providers, outcomes, decisions, reasons, actions and categories come from
 * draftpilot's own vocabularies and the categories file; tenants from the accounts served.
 */
export const registry = new Registry();
// the process's own (CPU, memory, event-loop lag, handles): draftpilot_process_*, draftpilot_nodejs_*
collectDefaultMetrics({ register: registry, prefix: 'draftpilot_' });

export const webhookDeliveries = new Counter({
  name: 'draftpilot_webhook_deliveries_total',
  help: 'Webhook deliveries answered, by provider and outcome (accepted, duplicate, ignored, or the error code answered)',
  labelNames: ['provider', 'outcome'] as const,
  registers: [registry],
});

export const jobDuration = new Histogram({
  name: 'draftpilot_job_duration_seconds',
  help: 'Time one job run took (folding deliveries into threads, drafting, deciding, delivering), by outcome',
  labelNames: ['outcome'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

export const decisions = new Counter({
  name: 'draftpilot_decisions_total',
  help: 'Drafts decided, by tenant, category and decision (autopilot, review, escalate)',
  labelNames: ['tenant', 'category', 'decision'] as const,
  registers: [registry],
});

export const escalationReasons = new Counter({
  name: 'draftpilot_escalation_reasons_total',
  help: 'Escalation reasons of decided drafts (a draft with two reasons counts under each), by tenant and reason',
  labelNames: ['tenant', 'reason'] as const,
  registers: [registry],
});

export const reviews = new Counter({
  name: 'draftpilot_reviews_total',
  help: 'Reviews recorded, by tenant, action (approve, edit, reject, escalate, replaced) and source',
  labelNames: ['tenant', 'action', 'source'] as const,
  registers: [registry],
});

export const modelTokens = new Counter({
  name: 'draftpilot_model_tokens_total',
  help: 'Model tokens used, by model and kind (prompt, completion)',
  labelNames: ['model', 'kind'] as const,
  registers: [registry],
});

export const modelCost = new Counter({
  name: 'draftpilot_model_cost_usd_total',
  help: 'Estimated model cost in US dollars, from the prices in the settings file (metrics.model_prices)',
  labelNames: ['model'] as const,
  registers: [registry],
});

export const helpdeskCalls = new Counter({
  name: 'draftpilot_helpdesk_calls_total',
  help: 'Helpdesk API calls, by provider, tenant (the API host for calls outside any tenant\'s work) and status (the HTTP status, or none when no answer came)',
  labelNames: ['provider', 'tenant', 'status'] as const,
  registers: [registry],
});

export const helpdeskRateLimited = new Counter({
  name: 'draftpilot_helpdesk_rate_limited_total',
  help: 'Helpdesk API calls answered 429, by provider and tenant',
  labelNames: ['provider', 'tenant'] as const,
  registers: [registry],
});

export const helpdeskCallWaits = new Counter({
  name: 'draftpilot_helpdesk_call_waits_total',
  help: "Helpdesk calls that waited for their tenant's next window of the call limiter (limits.*), by provider and tenant",
  labelNames: ['provider', 'tenant'] as const,
  registers: [registry],
});

/** What the queue gauges read when scraped: deliveries by status and the oldest waiting one's age. */
export interface QueueFigures {
  byStatus: Record<string, number>;
  oldestWaitingSeconds: number | null;
}
let readQueue: (() => Promise<QueueFigures>) | undefined;
let lastRead: Promise<QueueFigures | undefined> | undefined;
/** One store read per scrape, shared by the three gauges. */
const queueFigures = (): Promise<QueueFigures | undefined> => (lastRead ??= (readQueue?.() ?? Promise.resolve(undefined)).catch(() => undefined).finally(() => setImmediate(() => (lastRead = undefined))));

/** Where the queue gauges read from (the service sets its store's query at start); returns its removal. */
export function setQueueCollector(read: () => Promise<QueueFigures>): () => void {
  readQueue = read;
  return () => {
    if (readQueue === read) readQueue = undefined;
  };
}

export const queueDepth = new Gauge({
  name: 'draftpilot_queue_deliveries',
  help: 'Webhook deliveries by status (received, queued, stored: waiting; done; failed: the dead-letter set), read from the store when scraped',
  labelNames: ['status'] as const,
  registers: [registry],
  async collect() {
    const f = await queueFigures();
    this.reset();
    for (const status of ['received', 'queued', 'stored', 'done', 'failed']) this.set({ status }, f?.byStatus[status] ?? 0);
  },
});

export const oldestWaiting = new Gauge({
  name: 'draftpilot_queue_oldest_waiting_seconds',
  help: 'Age of the oldest delivery not yet processed (0 when none waits)',
  registers: [registry],
  async collect() {
    this.set((await queueFigures())?.oldestWaitingSeconds ?? 0);
  },
});

export const deadLetters = new Gauge({
  name: 'draftpilot_dead_letters',
  help: 'Deliveries given up on after their attempts (status failed): redrive them after a fix',
  registers: [registry],
  async collect() {
    this.set((await queueFigures())?.byStatus.failed ?? 0);
  },
});

export const prunedRows = new Counter({
  name: 'draftpilot_pruned_rows_total',
  help: 'Rows removed by retention, by table (deliveries, drafts, threads)',
  labelNames: ['table'] as const,
  registers: [registry],
});

/** The label of a helpdesk call made outside any tenant's work: the API host (acme.zendesk.com, api.intercom.io). */
export function accountOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'unknown';
  }
}

/** One helpdesk call's answer (or none: a timeout or a refused connection), under its tenant (else the API host). */
export function countHelpdeskCall(provider: string, url: string, status: number | undefined, tenant: string | undefined): void {
  const label = tenant ?? accountOf(url);
  helpdeskCalls.inc({ provider, tenant: label, status: status === undefined ? 'none' : String(status) });
  if (status === 429) helpdeskRateLimited.inc({ provider, tenant: label });
}

/** Per million tokens, in US dollars (settings metrics.model_prices). */
export interface ModelPrice {
  prompt: number;
  completion: number;
}

export interface DecidedDraft {
  tenant: string;
  category: string;
  decision: string;
  reasons: readonly string[];
  model: string;
  usage?: { promptTokens: number; completionTokens: number };
}

/** One decided draft: its decision, reasons, tokens and their estimated cost (no price: no cost). */
export function countDraft(d: DecidedDraft, prices: Readonly<Record<string, ModelPrice>> = {}): void {
  decisions.inc({ tenant: d.tenant, category: d.category || '(none)', decision: d.decision });
  for (const reason of d.reasons) escalationReasons.inc({ tenant: d.tenant, reason });
  if (!d.usage) return;
  modelTokens.inc({ model: d.model, kind: 'prompt' }, d.usage.promptTokens);
  modelTokens.inc({ model: d.model, kind: 'completion' }, d.usage.completionTokens);
  const price = prices[d.model];
  if (price) modelCost.inc({ model: d.model }, (d.usage.promptTokens * price.prompt + d.usage.completionTokens * price.completion) / 1_000_000);
}
