import { z } from 'zod';

const thresholds = z
  .object({
    negative_sentiment: z.number().min(-1).max(1).optional(),
    low_confidence: z.number().min(0).max(1).optional(),
    autopilot: z.number().min(0).max(1).optional(),
  })
  .strict();

const rate = z.number().min(0).max(1);
const count = z.number().int().positive();

/** Readiness for autopilot (docs/lifecycle.md): any of these, over the defaults they override. */
export const promotionOverrideSchema = z
  .object({ min_clean_approvals: count.optional(), window: count.optional(), min_clean_rate: rate.optional(), auto_promote: z.boolean().optional() })
  .strict();
/** Automatic demotion (docs/lifecycle.md): any of these, over the defaults they override. */
export const demotionOverrideSchema = z.object({ sample_window: count.optional(), max_reject_rate: rate.optional() }).strict();

export const categorySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9_-]+$/, 'lower-case letters, digits, "_" and "-"'),
    name: z.string().min(1),
    description: z.string().default(''),
    examples: z.array(z.string()).default([]),
    mode: z.enum(['review', 'autopilot']).default('review'),
    sensitive: z.boolean().default(false),
    thresholds: thresholds.optional(),
    /** a reject of one of its autopilot replies as policy_violation or wrong_information returns it to review at once */
    strict: z.boolean().default(false),
    /** this category's own readiness rule, over the file's and the tenant's (docs/lifecycle.md) */
    promotion: promotionOverrideSchema.optional(),
    /** this category's own demotion rule, over the file's and the tenant's */
    demotion: demotionOverrideSchema.optional(),
    /** this category's own sampling rates, over the tenant's and the file's (docs/sampling.md) */
    sampling: z.object({ autopilot_rate: rate.optional(), solved_rate: rate.optional(), min_per_week: z.number().int().min(0).optional() }).strict().optional(),
  })
  .strict();

/** The categories file (docs/contracts.md, Categories); promotion, demotion and sampling take these defaults when a file leaves them out. */
export const categoriesFileSchema = z.object({
  categories: z.array(categorySchema).min(1, 'at least one category'),
  promotion: z
    .object({ min_clean_approvals: count, window: count, min_clean_rate: rate, auto_promote: z.boolean().default(false) })
    .strict()
    .default({ min_clean_approvals: 50, window: 100, min_clean_rate: 0.9, auto_promote: false }),
  demotion: z.object({ sample_window: count, max_reject_rate: rate }).strict().default({ sample_window: 20, max_reject_rate: 0.1 }),
  sampling: z
    .object({
      autopilot_rate: rate,
      solved_rate: rate,
      /** solved conversations sampled per category, stratum and ISO week whatever the rate (default 1) */
      min_per_week: z.number().int().min(0).optional(),
      /** the same requester in the same category again within this many days is a repeat contact (default 7) */
      repeat_contact_days: z.number().int().positive().optional(),
      /** a satisfaction rating (1 to 5) at or below this looks bad (default 2) */
      low_rating_max: z.number().int().min(1).max(5).optional(),
    })
    .strict()
    .default({ autopilot_rate: 0.1, solved_rate: 0.05 }),
});

export type Category = z.infer<typeof categorySchema>;
export type CategoriesFile = z.infer<typeof categoriesFileSchema>;

export function parseCategories(doc: unknown, source: string): CategoriesFile {
  const result = categoriesFileSchema.safeParse(doc);
  if (!result.success) {
    throw new Error(`invalid categories in ${source}: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const ids = result.data.categories.map((c) => c.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new Error(`invalid categories in ${source}: category id "${dup}" appears twice`);
  return result.data;
}
