/**
 * The week's calibration (docs/reports.md, low-confidence): the reviews of the week grouped by the
 * stated confidence of the draft reviewed, in equal buckets, against the share of them that were
 * clean approvals (`approve`: sent as drafted). Pure: the store answers the sums per bucket.
 */

export const CALIBRATION_BUCKETS = 5;

/** One bucket's sums, as the query answers them: bucket 0 holds confidence [0, 1/n), the last one also 1. */
export interface BucketSums {
  bucket: number;
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

export interface WeekCalibration {
  buckets: CalibrationBucket[];
  /** expected calibration error: the reviews' weighted mean of |clean rate − mean confidence| per bucket; null without reviews */
  ece: number | null;
  reviews: number;
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

export function weekCalibration(sums: readonly BucketSums[], count = CALIBRATION_BUCKETS): WeekCalibration {
  const byBucket = new Map(sums.map((s) => [Math.min(count - 1, Math.max(0, s.bucket)), s]));
  const total = sums.reduce((n, s) => n + s.reviews, 0);
  let ece = 0;
  const buckets = Array.from({ length: count }, (_, i): CalibrationBucket => {
    const s = byBucket.get(i);
    const reviews = s?.reviews ?? 0;
    if (!s || reviews === 0) return { from: round4(i / count), to: round4((i + 1) / count), reviews: 0, mean_confidence: null, clean_rate: null };
    const mean = s.confidence_sum / reviews;
    const rate = s.clean / reviews;
    ece += (reviews / total) * Math.abs(rate - mean);
    return { from: round4(i / count), to: round4((i + 1) / count), reviews, mean_confidence: round4(mean), clean_rate: round4(rate) };
  });
  return { buckets, ece: total === 0 ? null : round4(ece), reviews: total };
}
