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
  sampling: z.object({ autopilot_rate: z.number().min(0).max(1), solved_rate: z.number().min(0).max(1) }).default({ autopilot_rate: 0.1, solved_rate: 0.05 }),
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
