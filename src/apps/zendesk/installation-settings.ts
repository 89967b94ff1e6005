import { z } from 'zod';
import { CallMeter } from '../../helpdesk/zendesk/meter';
import type { ZendeskApi } from '../../helpdesk/zendesk/zendesk-api';

/**
 * An installation's settings as an admin entered them in the app's configuration (the manifest's
 * parameters): `GET /api/v2/apps/installations/{id}`. Zendesk omits secure settings; draftpilot has none.
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
