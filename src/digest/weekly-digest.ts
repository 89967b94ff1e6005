import type { Settings } from '../config/settings';
import { describe } from '../domain/errors';
import { Periodic, startPeriodic } from '../jobs/periodic';
import type { Logger } from '../logger';
import { buildReport, ReportContext } from '../reports/build-report';
import { DigestReports, digestMessage, SlackMessage } from './digest-message';
import { dueWeek } from './digest-schedule';
import { claimWeek, recordFailed, recordPosted } from './digest-store';
import { postDigest, redactedUrl } from './post-digest';

/**
 * The weekly digest (docs/digest.md): the five reports of a finished week, summed up in one
 * Slack-compatible message and posted to DIGEST_WEBHOOK_URL on the configured weekday and hour. Any
 * job-running process checks every `check_interval_minutes` whether a digest is due; the digests
 * table lets one of them post it.
 */

export type DigestSettings = Settings['digest'];

export interface DigestDeps {
  reports: ReportContext;
  settings: DigestSettings;
  url: string;
  /** PUBLIC_URL: the message links to the dashboard's report pages */
  publicUrl?: string;
  logger: Logger;
  now: () => Date;
  fetch?: typeof fetch;
}

/** The five reports of `week` (every tenant, or one) and the message they make. */
export async function buildDigest(ctx: ReportContext, week: string, options: { publicUrl?: string; tenant?: string } = {}): Promise<SlackMessage> {
  const query = { week, ...(options.tenant ? { tenant: options.tenant } : {}) };
  const reports = {
    unanswered: await buildReport(ctx, 'unanswered', query),
    content: await buildReport(ctx, 'content', query),
    'low-confidence': await buildReport(ctx, 'low-confidence', query),
    handoff: await buildReport(ctx, 'handoff', query),
    readiness: await buildReport(ctx, 'readiness', query),
  } as DigestReports;
  return digestMessage(reports, options.publicUrl ? { dashboardBase: options.publicUrl } : {});
}

export type TickOutcome = { week: string; posted: boolean; attempt?: number; error?: string };

/** One check: posts the due week's digest unless it went out (or another process is posting it). */
export async function digestTick(deps: DigestDeps): Promise<TickOutcome> {
  const { settings, logger } = deps;
  const now = deps.now();
  const week = dueWeek(now, settings);
  const attempt = await claimWeek(deps.reports.db, week, now, { maxAttempts: settings.attempts, retryAfterMs: settings.retry_minutes * 60_000, staleAfterMs: settings.timeout_ms + 5 * 60_000 });
  if (attempt === null) return { week, posted: false };
  try {
    const message = await buildDigest(deps.reports, week, deps.publicUrl ? { publicUrl: deps.publicUrl } : {});
    await postDigest(deps.url, message, { timeoutMs: settings.timeout_ms, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
    await recordPosted(deps.reports.db, week, deps.now(), 'schedule');
    logger.info({ week, attempt, to: redactedUrl(deps.url) }, 'weekly digest posted');
    return { week, posted: true, attempt };
  } catch (err) {
    const error = describe(err);
    await recordFailed(deps.reports.db, week, error).catch(() => undefined);
    const last = attempt >= settings.attempts;
    logger.warn({ week, attempt, err: error }, last ? `weekly digest not posted after ${attempt} attempts; check DIGEST_WEBHOOK_URL, then POST /api/digest?week=${week}` : `weekly digest not posted; tried again in ${settings.retry_minutes} min`);
    return { week, posted: false, attempt, error };
  }
}

/** The periodic check, started in job-running processes when DIGEST_WEBHOOK_URL is set. */
export function startDigestSchedule(deps: DigestDeps): Periodic {
  return startPeriodic('weekly digest check', deps.settings.check_interval_minutes * 60_000, () => digestTick(deps), deps.logger);
}
