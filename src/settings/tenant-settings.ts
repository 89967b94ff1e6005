import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { categoriesFileSchema, demotionOverrideSchema, promotionOverrideSchema } from '../policy/categories';

/**
 * A tenant's own settings (docs/contracts.md, Tenant settings): what its admin sets in the helpdesk
 * app, or PUT /api/settings/:tenant. Every field is optional: one left out keeps the service's
 * configuration (config/categories.yaml, config/escalation.yaml, the environment). Pure.
 */

/** Categories as config/categories.yaml has them: an object, or its YAML or JSON text (an app setting is text). */
const categoriesText = z.preprocess((value, ctx) => {
  if (typeof value !== 'string') return value;
  try {
    return parseYaml(value) as unknown; // JSON is YAML too
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `not YAML or JSON: ${(err as Error).message.split('\n')[0]}` });
    return z.NEVER;
  }
}, categoriesFileSchema.superRefine((file, ctx) => {
  const seen = new Set<string>();
  file.categories.forEach((c, i) => {
    if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: ['categories', i, 'id'], message: `category id "${c.id}" appears twice` });
    seen.add(c.id);
  });
}));

const numericId = (what: string) => z.union([z.string().regex(/^\d+$/, `a numeric ${what} id`), z.number().int().positive().transform(String)], { message: `a numeric ${what} id` });

export const tenantSettingsSchema = z
  .object({
    categories: categoriesText.optional(),
    /** over config/escalation.yaml's; a category's own thresholds still win */
    thresholds: z
      .object({
        negative_sentiment: z.number().min(-1).max(1).optional(),
        low_confidence: z.number().min(0).max(1).optional(),
        autopilot: z.number().min(0).max(1).optional(),
      })
      .strict()
      .optional(),
    /** readiness for autopilot, over the categories' `promotion`; a category's own `promotion` still wins */
    promotion: promotionOverrideSchema.optional(),
    /** automatic demotion, over the categories' `demotion`; a category's own `demotion` still wins */
    demotion: demotionOverrideSchema.optional(),
    sampling: z.object({ autopilot_rate: z.number().min(0).max(1).optional(), solved_rate: z.number().min(0).max(1).optional() }).strict().optional(),
    /** Zendesk review drafts: an internal note, or a note and a pending macro */
    delivery_mode: z.enum(['note', 'pending_macro'], { message: 'note or pending_macro' }).optional(),
    /** this account's helpdesk plan limit, over the service's limits.<provider>_calls_per_minute */
    limits: z.object({ helpdesk_calls_per_minute: z.number().int().min(1).max(100_000).optional() }).strict().optional(),
    escalation: z.object({ zendesk_group_id: numericId('Zendesk group').optional(), intercom_team_id: numericId('Intercom team').optional() }).strict().optional(),
  })
  .strict();

export type TenantSettings = z.infer<typeof tenantSettingsSchema>;

export interface SettingsError {
  /** where the problem is, e.g. "categories.categories.0.mode" */
  path: string;
  message: string;
}

export type ParsedSettings = { ok: true; settings: TenantSettings } | { ok: false; errors: SettingsError[] };

/** Validates raw settings: an object, or its JSON or YAML text. */
export function parseTenantSettings(raw: unknown): ParsedSettings {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = parseYaml(raw) as unknown;
    } catch (err) {
      return { ok: false, errors: [{ path: '(settings)', message: `not YAML or JSON: ${(err as Error).message.split('\n')[0]}` }] };
    }
  }
  const parsed = tenantSettingsSchema.safeParse(value ?? {});
  if (parsed.success) return { ok: true, settings: parsed.data };
  return { ok: false, errors: parsed.error.issues.map((i) => ({ path: i.path.length ? i.path.join('.') : '(settings)', message: i.message })) };
}
