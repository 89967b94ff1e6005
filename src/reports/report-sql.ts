import { sql, RawBuilder } from 'kysely';
import type { ReportScope } from './report-view';

/** The week (and tenant) condition of a report query on one table's `created_at` and `tenant`. */
export function inScope(alias: string, scope: ReportScope): RawBuilder<unknown> {
  const table = sql.table(alias);
  const tenant = scope.tenant === null ? sql`` : sql` and ${table}.tenant = ${scope.tenant}`;
  return sql`${table}.created_at >= ${scope.from} and ${table}.created_at < ${scope.to}${tenant}`;
}

/** A count, sum or ratio as the driver answers it (PostgreSQL may send numerics and bigints as text). */
export function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value ?? 0);
}

export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}
