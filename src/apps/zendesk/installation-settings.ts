import { z } from 'zod';
import { CallMeter } from '../../helpdesk/zendesk/meter';
import type { ZendeskApi } from '../../helpdesk/zendesk/zendesk-api';

/**
 * An installation's settings as an admin entered them in the app's configuration (the manifest's
 * parameters): `GET /api/v2/apps/installations/{id}`, and how they become the tenant's settings.
 * Zendesk omits secure settings; draftpilot has none.
 */
const installationSchema = z.looseObject({
  id: z.union([z.number(), z.string()]),
  settings: z.record(z.string(), z.unknown()).nullish(),
});
const answerSchema = z.union([z.object({ installation: installationSchema }).transform((a) => a.installation), installationSchema]);

export async function readInstallationSettings(api: ZendeskApi, installationId: string): Promise<Record<string, unknown>> {
  if (!/^\d+$/.test(installationId)) throw new Error(`installation id "${installationId}" is not numeric`);
  const installation = await api.get(`/api/v2/apps/installations/${installationId}.json`, answerSchema, new CallMeter());
  return installation.settings ?? {};
}

/** Each app setting (apps/zendesk/manifest.json) and where it goes in the tenant's settings. */
export const SETTING_PATHS: Record<string, readonly string[]> = {
  categories: ['categories'],
  low_confidence_threshold: ['thresholds', 'low_confidence'],
  negative_sentiment_threshold: ['thresholds', 'negative_sentiment'],
  autopilot_threshold: ['thresholds', 'autopilot'],
  autopilot_sampling_rate: ['sampling', 'autopilot_rate'],
  solved_sampling_rate: ['sampling', 'solved_rate'],
  delivery_mode: ['delivery_mode'],
  escalation_group_id: ['escalation', 'zendesk_group_id'],
};
const NUMBERS = new Set(['low_confidence_threshold', 'negative_sentiment_threshold', 'autopilot_threshold', 'autopilot_sampling_rate', 'solved_sampling_rate']);

/**
 * The tenant settings document from the installation's settings. Empty settings are left out (the
 * server's configuration applies); number settings arrive as numbers or as text and are read as
 * numbers when they are one (otherwise passed on, so validation names them). Pure.
 */
export function tenantSettingsFromInstallation(settings: Record<string, unknown>): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (const [name, target] of Object.entries(SETTING_PATHS)) {
    let value = settings[name];
    if (value === null || value === undefined || (typeof value === 'string' && value.trim() === '')) continue;
    if (typeof value === 'string') value = value.trim();
    if (NUMBERS.has(name) && typeof value === 'string' && Number.isFinite(Number(value))) value = Number(value);
    let node = doc;
    for (const key of target.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[target[target.length - 1]!] = value;
  }
  return doc;
}

/**
 * A validation path of the tenant settings as the admin knows it: the app setting's name, and for
 * the categories document the place inside it (`categories: categories.0.mode`).
 */
export function settingPathOf(path: string): string {
  const parts = path.split('.');
  for (const [name, target] of Object.entries(SETTING_PATHS)) {
    if (target.every((key, i) => parts[i] === key)) {
      const rest = parts.slice(target.length).join('.');
      return rest ? `${name}: ${rest}` : name;
    }
  }
  return path;
}
