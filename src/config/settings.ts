import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './env';
import { WEEKDAYS } from '../domain/iso-week';

const positive = z.number().int().positive();

export const settingsSchema = z.object({
  webhooks: z
    .object({
      intercom_max_event_age_seconds: positive,
      body_timeout_ms: positive,
      // the API version of the Intercom app (Developer Hub): how its webhook bodies are written
      // (quoted in YAML: an unquoted 2.10 would be read as the number 2.1)
      intercom_api_version: z
        .string({ error: 'expected a quoted string: auto, Unstable or a version such as "2.15"' })
        .regex(/^(auto|Unstable|\d+\.\d+)$/, 'expected auto, Unstable or a version such as "2.15"')
        .default('auto'),
    })
    .strict(),
  inbox: z.object({ batch_max_rows: positive }).strict(),
  queue: z
    .object({
      concurrency: positive,
      batch_size: positive,
      batch_wait_ms: z.number().int().min(0),
      attempts: positive,
      backoff_ms: positive,
      dispatch_interval_ms: positive,
      dispatch_batch: positive,
      tenant_queued_max: positive,
      relay_interval_ms: positive,
      relay_after_ms: positive,
      relay_window_hours: positive,
      keep_completed: z.number().int().min(0),
      worker_nice: z.number().int().min(0).max(19),
    })
    .strict(),
  shutdown: z.object({ grace_ms: positive }).strict(),
  accounts: z.object({ refresh_ms: positive }).strict(),
  limits: z
    .object({
      zendesk_calls_per_minute: positive,
      intercom_calls_per_minute: positive,
      intercom_app_calls_per_minute: positive,
      max_wait_ms: positive,
      cache_ms: z.number().int().min(0),
    })
    .strict(),
  drafting: z.object({ sources_limit: positive }).strict(),
  knowledge: z.object({ sync_interval_minutes: z.number().int().min(0) }).strict(),
  lifecycle: z
    .object({
      mode_cache_ms: z.number().int().min(0),
      calibration_window: positive,
      calibration_buckets: z.number().int().min(2).max(100),
      threshold_min_sample: positive,
      weeks: z.number().int().min(1).max(104),
      repeated_reason_per_week: positive,
      notices_limit: positive,
    })
    .strict(),
  digest: z
    .object({
      weekday: z.enum(WEEKDAYS, { error: `expected one of ${WEEKDAYS.join(', ')}` }),
      hour_utc: z.number().int().min(0).max(23),
      check_interval_minutes: positive,
      timeout_ms: positive,
      attempts: positive,
      retry_minutes: positive,
    })
    .strict()
    .default({ weekday: 'monday', hour_utc: 8, check_interval_minutes: 15, timeout_ms: 10_000, attempts: 5, retry_minutes: 30 }),
  retention: z
    .object({
      deliveries_days: z.number().int().min(0),
      drafts_days: z.number().int().min(0),
      interval_hours: positive,
      batch: positive,
    })
    .strict()
    .default({ deliveries_days: 30, drafts_days: 180, interval_hours: 6, batch: 5000 }),
  metrics: z
    .object({
      // US dollars per million tokens, by model name as the model reports it
      model_prices: z.record(z.string().min(1), z.object({ prompt: z.number().min(0), completion: z.number().min(0) }).strict()),
    })
    .strict()
    .default({ model_prices: {} }),
  delivery: z
    .object({
      intercom: z.object({ max_calls_per_message: z.number().int().min(2).max(20) }).strict(),
      zendesk: z
        .object({
          pending_macros: z
            .object({
              enabled: z.boolean(),
              tenants: z.array(z.string().regex(/^zendesk:[a-z0-9][a-z0-9-]*$/, 'zendesk:<subdomain>')),
              categories: z.array(z.string().min(1)),
              ttl_hours: positive,
              max_per_account: positive,
              sweep_interval_minutes: z.number().int().min(0),
            })
            .strict(),
        })
        .strict(),
    })
    .strict(),
});

export type Settings = z.infer<typeof settingsSchema>;

export function parseSettings(doc: unknown, source: string): Settings {
  const result = settingsSchema.safeParse(doc);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`invalid settings in ${source}:\n${lines.join('\n')}`);
}

export function loadSettings(file: string): Settings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`CONFIG_FILE: cannot read ${file} (${(err as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new ConfigError(`CONFIG_FILE: ${file} is not valid YAML (${(err as Error).message})`);
  }
  return parseSettings(doc, file);
}
