import { z } from 'zod';

/** Zendesk's documentation example secret: refused so a copied sample never guards production. */
export const ZENDESK_EXAMPLE_SECRET = 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==';

const secretList = (name: string) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return [] as string[];
      const secrets = raw.split(',');
      secrets.forEach((secret, i) => {
        if (secret.length === 0) ctx.addIssue({ code: 'custom', message: `${name} entry ${i + 1} is empty (remove the stray comma)` });
        else if (/\s/.test(secret)) ctx.addIssue({ code: 'custom', message: `${name} entry ${i + 1} contains whitespace; secrets are compared byte for byte, remove spaces and newlines` });
        else if (secret === ZENDESK_EXAMPLE_SECRET) ctx.addIssue({ code: 'custom', message: `${name} entry ${i + 1} is Zendesk's documentation example secret; use the webhook's own signing secret` });
      });
      return secrets;
    });

const optionalText = z.string().trim().min(1).optional().or(z.literal('').transform(() => undefined));
const intFrom = (def: number, min: number) =>
  z.preprocess((v) => (v === '' ? undefined : v), z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`))
    .optional()
    .transform((v) => v ?? def));

export const envSchema = z.object({
  PORT: intFrom(3000, 0).pipe(z.number().max(65535)),
  ROLE: z.enum(['all', 'web', 'worker']).default('all'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional().or(z.literal('').transform(() => undefined)),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional().or(z.literal('').transform(() => undefined)),
  CONFIG_FILE: z.string().min(1).default('config/default.yaml'),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "_" and "-" only').default('draftpilot'),
  ZENDESK_SUBDOMAIN: z.string().regex(/^[a-z0-9][a-z0-9-]*$/i, 'the subdomain only, e.g. "acme" for acme.zendesk.com').optional().or(z.literal('').transform(() => undefined)),
  ZENDESK_WEBHOOK_SECRETS: secretList('ZENDESK_WEBHOOK_SECRETS'),
  ZENDESK_SIGNATURE_TOLERANCE_SECONDS: intFrom(300, 1),
  ZENDESK_BOT_USER_ID: optionalText,
  ZENDESK_APP_ID: z.string().regex(/^\d+$/, 'the numeric id Zendesk gives the uploaded app').optional().or(z.literal('').transform(() => undefined)),
  INTERCOM_CLIENT_SECRETS: secretList('INTERCOM_CLIENT_SECRETS'),
  INTERCOM_ADMIN_ID: optionalText,
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional().or(z.literal('').transform(() => undefined)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEBHOOK_MAX_BODY_BYTES: intFrom(1024 * 1024, 1024),
  KNOWLEDGE_DIR: z.string().min(1).default('config/knowledge'),
  CATEGORIES_FILE: z.string().min(1).default('config/categories.yaml'),
  ESCALATION_FILE: z.string().min(1).default('config/escalation.yaml'),
  DRAFT_MODEL: z.enum(['offline', 'openai']).optional().or(z.literal('').transform(() => undefined)),
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: z.string().url('must be a URL such as https://api.openai.com/v1').optional().or(z.literal('').transform(() => undefined)),
  OPENAI_MODEL: z.string().min(1).default('gpt-4.1-mini'),
  OPENAI_TIMEOUT_MS: intFrom(30000, 1000),
  OPENAI_MAX_RETRIES: intFrom(1, 0),
  ZENDESK_ACCESS_TOKEN: optionalText,
  ZENDESK_BASE_URL: z.string().url('must be a URL such as https://acme.zendesk.com').optional().or(z.literal('').transform(() => undefined)),
  INTERCOM_ACCESS_TOKEN: optionalText,
  INTERCOM_BASE_URL: z.string().url('must be a URL such as https://api.intercom.io').default('https://api.intercom.io'),
  ZENDESK_OAUTH_CLIENT_ID: optionalText,
  ZENDESK_OAUTH_CLIENT_SECRET: optionalText,
  INTERCOM_OAUTH_CLIENT_ID: optionalText,
  INTERCOM_OAUTH_CLIENT_SECRET: optionalText,
  APP_ENCRYPTION_KEY: optionalText,
  PUBLIC_URL: z.string().url('must be a URL such as https://draftpilot.example.com').optional().or(z.literal('').transform(() => undefined)),
  SHADOW_MODE: z.enum(['true', 'false', '1', '0', '']).optional().transform((v) => v === 'true' || v === '1'),
  SHADOW_TENANTS: z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(',').map((t) => t.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^(zendesk|intercom):[^\s]+$/, 'each entry is a tenant such as zendesk:acme or intercom:<workspace id>'))),
  ZENDESK_ESCALATION_GROUP_ID: z.string().regex(/^\d+$/, 'a numeric Zendesk group id').optional().or(z.literal('').transform(() => undefined)),
  INTERCOM_ESCALATION_TEAM_ID: z.string().regex(/^\d+$/, 'a numeric Intercom team id').optional().or(z.literal('').transform(() => undefined)),
  INTERCOM_SETTINGS_ADMIN_IDS: z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(',').map((t) => t.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^\d+$/, 'each entry is a numeric Intercom admin (teammate) id'))),
  APP_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters (openssl rand -base64 32)').optional().or(z.literal('').transform(() => undefined)),
  APP_SESSION_TTL_SECONDS: intFrom(3600, 60).pipe(z.number().max(86_400, 'must be at most 86400 (a day)')),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional().or(z.literal('').transform(() => undefined)),
  DIGEST_WEBHOOK_URL: z
    .string()
    .url('must be an incoming-webhook URL such as https://hooks.slack.com/services/…')
    .regex(/^https?:\/\//, 'must start with https:// (or http:// on a private network)')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DASHBOARD_SESSION_TTL_SECONDS: intFrom(28_800, 300).pipe(z.number().max(604_800, 'must be at most 604800 (a week)')),
}).superRefine((env, ctx) => {
  if (env.DRAFT_MODEL === 'openai' && !env.OPENAI_API_KEY) {
    ctx.addIssue({ code: 'custom', path: ['DRAFT_MODEL'], message: 'DRAFT_MODEL=openai needs OPENAI_API_KEY' });
  }
  if (env.ROLE !== 'all' && (!env.DATABASE_URL || !env.REDIS_URL)) {
    ctx.addIssue({
      code: 'custom',
      path: ['ROLE'],
      message: `ROLE=${env.ROLE} runs web and worker as separate processes: set DATABASE_URL and REDIS_URL (the embedded store and queue live in one process; use ROLE=all)`,
    });
  }
});

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; the message names every variable that is wrong and how. */
export function parseEnv(env: NodeJS.ProcessEnv): Env {
  const result = envSchema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}
