import { z } from 'zod';
import { CallMeter } from '../../helpdesk/zendesk/meter';
import type { ZendeskApi } from '../../helpdesk/zendesk/zendesk-api';

/**
 * The Zendesk role of the user who opened the app (`GET /api/v2/users/{id}.json`): the server's own
 * answer to "is this an admin?", never the page's. Zendesk's roles are end-user, agent and admin.
 */
export type ZendeskRole = 'admin' | 'agent' | 'end-user';

const userSchema = z.object({ user: z.looseObject({ id: z.union([z.number(), z.string()]), role: z.enum(['admin', 'agent', 'end-user']) }) });

export async function readUserRole(api: ZendeskApi, userId: string): Promise<ZendeskRole> {
  if (!/^\d{1,20}$/.test(userId)) throw new Error(`user id "${userId}" is not numeric`);
  const answer = await api.get(`/api/v2/users/${userId}.json`, userSchema, new CallMeter());
  return answer.user.role;
}
