import { z } from 'zod';
import { tenantSchema } from '../domain/tenant';
import { isoWeekOf, isoWeekSchema, weekRange } from '../domain/iso-week';
import type { ReportScope } from './report-view';

/** `?week=YYYY-Www&tenant=…` of GET /api/reports/:name (and the CLI's --week, --tenant); both optional. */
export const reportQuerySchema = z
  .object({
    week: isoWeekSchema.optional(),
    tenant: tenantSchema.optional(),
  })
  .strict();
export type ReportQuery = z.infer<typeof reportQuerySchema>;

/** The week and tenant a report covers: the current ISO week (UTC) when none is given. */
export function reportScope(query: { week?: string | undefined; tenant?: string | undefined }, now: Date): ReportScope {
  const { week, from, to } = weekRange(query.week ?? isoWeekOf(now));
  return { week, from, to, tenant: query.tenant ?? null };
}
