import { z } from 'zod';
import { zendeskId } from '../../edge/zendesk/schema';
import { HelpdeskError } from '../../helpdesk/helpdesk-error';
import { describe } from '../../domain/errors';
import type { Logger } from '../../logger';
import type { MacroRemoval, MacroStore, PendingMacro } from './macro-store';
import { CallMeter, Clock, systemClock } from '../../helpdesk/zendesk/meter';
import type { ZendeskAuth } from '../../helpdesk/zendesk/oauth';
import { ZendeskApi } from '../../helpdesk/zendesk/zendesk-api';
import { deleteMacro } from './zendesk-writer';

/** GET /api/v2/tickets/show_many.json?ids=: up to 100 tickets; deleted ones are simply absent. */
const showManySchema = z.looseObject({
  tickets: z.array(z.looseObject({ id: zendeskId, status: z.string().nullish(), updated_at: z.string().nullish(), requester_id: zendeskId.nullish() })),
});

/**
 * GET /api/v2/tickets/{id}/audits.json?sort_order=desc: the newest updates first. A macro the agent
 * applied leaves an `AgentMacroReference` event (macro_id) in the update that used it:
 * https://developer.zendesk.com/documentation/ticketing/reference-guides/ticket-audit-events-reference/
 */
const auditsSchema = z.looseObject({
  audits: z.array(
    z.looseObject({
      created_at: z.string(),
      author_id: zendeskId.nullish(),
      events: z.array(z.looseObject({ type: z.string(), macro_id: zendeskId.nullish(), public: z.boolean().nullish() })).default([]),
    }),
  ),
});

export interface MacroJanitorOptions {
  access: ZendeskAuth;
  store: MacroStore;
  /** the account whose macros are swept (zendesk:<subdomain>) */
  tenant: string;
  /** draftpilot's own Zendesk user: its comments do not count as an agent's answer */
  botUserId?: string;
  clock?: Clock;
  /** macros looked at per sweep (one show_many call); 100 at most */
  batch?: number;
  /** audit reads per sweep, for tickets changed since their macro was made */
  maxAuditReads?: number;
  timeoutMs?: number;
}

export interface SweepResult {
  checked: number;
  removed: Partial<Record<MacroRemoval, number>>;
  kept: number;
  apiCalls: number;
  /** set when the sweep stopped early (rate limit, outage); the rest waits for the next sweep */
  stopped?: string;
}

/**
 * Deletes draftpilot's pending macros once they are done with: applied by an agent,
 * answered another way (an agent's public reply), the ticket solved, closed or deleted, or the TTL
 * passed. Superseded macros are deleted by the writer as the new draft is delivered, and the cap is
 * enforced there too. Runs on the worker every `sweep_interval_minutes`.
 *
 * Calls per sweep: one show_many for up to `batch` tickets, one audits read per ticket changed since
 * its macro was made (at most `maxAuditReads`), one DELETE per macro removed. Nothing here is on the
 * per-message path.
 */
export class MacroJanitor {
  private readonly api: ZendeskApi;
  private readonly clock: Clock;

  constructor(private readonly options: MacroJanitorOptions) {
    this.api = new ZendeskApi(options.access, options.timeoutMs);
    this.clock = options.clock ?? systemClock;
  }

  async sweep(): Promise<SweepResult> {
    const { store, tenant } = this.options;
    const meter = new CallMeter();
    const result: SweepResult = { checked: 0, removed: {}, kept: 0, apiCalls: 0 };
    const macros = await store.active(tenant, Math.min(100, this.options.batch ?? 100));
    result.checked = macros.length;
    try {
      const verdicts = await this.judge(macros, meter);
      for (const macro of macros) {
        const why = verdicts.get(macro.macroId);
        if (!why) continue;
        const removal = await deleteMacro(this.api, macro.macroId, meter);
        const reason: MacroRemoval = removal === 'gone' ? 'gone' : why;
        await store.markRemoved(tenant, macro.macroId, reason, new Date(this.clock.now()));
        result.removed[reason] = (result.removed[reason] ?? 0) + 1;
      }
    } catch (err) {
      // A 429, an outage or a revoked token: what was removed so far is recorded; the rest waits.
      if (!(err instanceof HelpdeskError)) throw err;
      result.stopped = describe(err);
    }
    result.kept = macros.length - Object.values(result.removed).reduce((a, b) => a + (b ?? 0), 0);
    result.apiCalls = meter.total;
    return result;
  }

  /** Which macros are done with, and why. */
  private async judge(macros: PendingMacro[], meter: CallMeter): Promise<Map<string, MacroRemoval>> {
    const now = this.clock.now();
    const out = new Map<string, MacroRemoval>();
    const live = macros.filter((m) => {
      if (m.expiresAt.getTime() > now) return true;
      out.set(m.macroId, 'expired');
      return false;
    });
    if (live.length === 0) return out;
    const ids = [...new Set(live.map((m) => m.ticketId))];
    const { tickets } = await this.api.get(`/api/v2/tickets/show_many.json?ids=${ids.join(',')}`, showManySchema, meter);
    const byId = new Map(tickets.map((t) => [t.id, t]));
    let auditReads = this.options.maxAuditReads ?? 20;
    for (const macro of live) {
      const ticket = byId.get(macro.ticketId);
      const status = (ticket?.status ?? 'deleted').toLowerCase();
      if (!ticket || status === 'deleted') out.set(macro.macroId, 'ticket_deleted');
      else if (status === 'solved' || status === 'closed') out.set(macro.macroId, 'ticket_solved');
      else if (ticket.updated_at && Date.parse(ticket.updated_at) > macro.createdAt.getTime() && auditReads > 0) {
        // Something happened on the ticket since the macro was made: was it the macro, or a reply?
        auditReads--;
        const used = await this.usedSince(macro, ticket.requester_id ?? undefined, meter);
        if (used) out.set(macro.macroId, used);
      }
    }
    return out;
  }

  private async usedSince(macro: PendingMacro, requesterId: string | undefined, meter: CallMeter): Promise<MacroRemoval | undefined> {
    const { audits } = await this.api.get(`/api/v2/tickets/${encodeURIComponent(macro.ticketId)}/audits.json?sort_order=desc`, auditsSchema, meter);
    const since = macro.createdAt.getTime();
    let answered = false;
    for (const audit of audits) {
      if (Date.parse(audit.created_at) < since) continue;
      if (audit.events.some((e) => e.type === 'AgentMacroReference' && e.macro_id === macro.macroId)) return 'applied';
      const byAgent = audit.author_id && audit.author_id !== requesterId && audit.author_id !== this.options.botUserId;
      if (byAgent && audit.events.some((e) => e.type === 'Comment' && e.public === true)) answered = true;
    }
    return answered ? 'answered' : undefined;
  }
}

/**
 * Sweeps the accounts' macros now and then every intervalMinutes (0: never on a timer), one account
 * after another; `janitors` is asked each time, so installs made since are swept too.
 */
export function startMacroJanitor(janitors: () => Promise<{ tenant: string; janitor: MacroJanitor }[]>, intervalMinutes: number, logger: Logger, around: <T>(tenant: string, work: () => Promise<T>) => Promise<T> = (_t, work) => work()): NodeJS.Timeout | undefined {
  if (intervalMinutes === 0) return undefined;
  let running = false;
  const sweepOne = async (tenant: string, janitor: MacroJanitor) => {
    try {
      const r = await around(tenant, () => janitor.sweep());
      const level = r.stopped ? 'warn' : 'info';
      if (r.checked > 0 || r.stopped) logger[level]({ tenant, checked: r.checked, removed: r.removed, kept: r.kept, apiCalls: r.apiCalls, ...(r.stopped ? { stopped: r.stopped } : {}) }, 'pending macros swept');
    } catch (err) {
      logger.warn({ tenant, err: describe(err) }, 'pending-macro sweep failed; will try again');
    }
  };
  const run = () => {
    if (running) return;
    running = true;
    janitors()
      .then(async (all) => {
        for (const { tenant, janitor } of all) await sweepOne(tenant, janitor);
      })
      .catch((err) => logger.warn({ err: describe(err) }, 'pending-macro sweep failed; will try again'))
      .finally(() => {
        running = false;
      });
  };
  const timer = setInterval(run, intervalMinutes * 60_000);
  timer.unref();
  run();
  return timer;
}
