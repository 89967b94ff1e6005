/**
 * Calibration: stated confidence against the actual clean-approval rate of reviewed drafts: a
 * category's (docs/lifecycle.md, Calibration) and a week's (docs/reports.md, low-confidence). The store
 * answers a histogram at 0.01 of confidence; the buckets, the expected calibration error and the
 * suggested threshold are computed here, once for both. Pure.
 */

/** Reviews of drafts whose confidence rounds to `level` (0 to 100, hundredths). */
export interface ConfidenceLevel {
  level: number;
  reviews: number;
  clean: number;
  confidence_sum: number;
}

export interface CalibrationBucket {
  from: number;
  to: number;
  reviews: number;
  mean_confidence: number | null;
  clean_rate: number | null;
}

export interface Calibration {
  buckets: CalibrationBucket[];
  /** expected calibration error: Σ over buckets of (reviews / all) × |clean rate − mean confidence| */
  ece: number | null;
  reviews: number;
}

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

export function calibrationOf(levels: readonly ConfidenceLevel[], bucketCount: number): Calibration {
  const sums = Array.from({ length: bucketCount }, () => ({ reviews: 0, clean: 0, confidence: 0 }));
  for (const l of levels) {
    // in integers: (58 / 100) * 50 is 28.999999999999996 in floating point, and 0.58 belongs to [0.58, 0.6)
    const b = sums[Math.min(bucketCount - 1, Math.max(0, Math.floor((l.level * bucketCount) / 100)))]!;
    b.reviews += l.reviews;
    b.clean += l.clean;
    b.confidence += l.confidence_sum;
  }
  const total = sums.reduce((n, b) => n + b.reviews, 0);
  const buckets = sums.map((b, i) => ({
    from: round(i / bucketCount),
    to: round((i + 1) / bucketCount),
    reviews: b.reviews,
    mean_confidence: b.reviews ? round(b.confidence / b.reviews) : null,
    clean_rate: b.reviews ? round(b.clean / b.reviews) : null,
  }));
  const ece = total === 0 ? null : round(sums.reduce((e, b) => (b.reviews ? e + (b.reviews / total) * Math.abs(b.clean / b.reviews - b.confidence / b.reviews) : e), 0));
  return { buckets, ece, reviews: total };
}

/**
 * The lowest confidence threshold t (in hundredths) such that the reviewed drafts at or above t number
 * at least `minSample` and, for t and every higher threshold that also has `minSample` drafts at or
 * above it, their clean rate is at least `minCleanRate`. Scanned from the top down: the first
 * threshold with a large enough sample and too low a rate ends the scan. Undefined when none qualifies.
 */
export function suggestedThreshold(levels: readonly ConfidenceLevel[], minCleanRate: number, minSample: number): number | undefined {
  const sorted = [...levels].sort((a, b) => b.level - a.level);
  let reviews = 0;
  let clean = 0;
  let best: number | undefined;
  for (const l of sorted) {
    reviews += l.reviews;
    clean += l.clean;
    if (reviews < minSample) continue;
    if (clean / reviews < minCleanRate) break;
    best = l.level;
  }
  return best === undefined ? undefined : best / 100;
}
