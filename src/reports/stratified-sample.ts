/**
 * How many drafts a stratified sample takes from each stratum (docs/reports.md, low-confidence): every
 * stratum with drafts gets one while the sample has room (largest strata first), and the rest of the
 * sample is shared in proportion to the strata's sizes (largest remainder), never more than a stratum
 * holds. Which drafts are taken is decided by the store (a seeded hash order). Pure.
 */

export interface Stratum {
  key: string;
  size: number;
}

export function allocateSample(strata: readonly Stratum[], sampleSize: number): Map<string, number> {
  const order = [...strata].filter((s) => s.size > 0).sort((a, b) => b.size - a.size || a.key.localeCompare(b.key));
  const quota = new Map(order.map((s) => [s.key, 0]));
  const total = order.reduce((n, s) => n + s.size, 0);
  let left = Math.min(sampleSize, total);
  for (const s of order) {
    if (left === 0) break;
    quota.set(s.key, 1);
    left--;
  }
  if (left === 0) return quota;
  // the rest in proportion to what each stratum still holds
  const rest = order.map((s) => ({ key: s.key, room: s.size - quota.get(s.key)! }));
  const room = rest.reduce((n, s) => n + s.room, 0);
  const shares = rest.map((s) => ({ ...s, exact: (left * s.room) / room }));
  let given = 0;
  for (const s of shares) {
    const whole = Math.min(s.room, Math.floor(s.exact));
    quota.set(s.key, quota.get(s.key)! + whole);
    given += whole;
  }
  const byRemainder = [...shares].sort((a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)) || b.room - a.room || a.key.localeCompare(b.key));
  const sizes = new Map(order.map((s) => [s.key, s.size]));
  for (const s of byRemainder) {
    if (given >= left) break;
    if (quota.get(s.key)! < sizes.get(s.key)!) {
      quota.set(s.key, quota.get(s.key)! + 1);
      given++;
    }
  }
  return quota;
}
