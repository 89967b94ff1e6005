import type { ProviderEdge } from '../provider-edge';
import { intercomSolve, normalizeIntercom } from './normalize';
import { routeIntercom } from './route';
import { verifyIntercom } from './verify';
import { topicSchema, USER_TOPICS } from './schema';

export interface IntercomEdgeOptions {
  secrets: readonly string[];
  maxAgeSeconds: number;
  adminId?: string;
  /** the API version the app is set to in the Developer Hub: how webhook bodies are written */
  apiVersion?: string;
}

export function intercomEdge(options: IntercomEdgeOptions): ProviderEdge {
  return {
    provider: 'intercom',
    secretSetting: 'INTERCOM_CLIENT_SECRETS',
    verify: (raw, headers) => verifyIntercom(raw, headers, options.secrets),
    route: (json, _headers, _raw, now) => routeIntercom(json, now, options),
    normalize: (payload, ctx) => normalizeIntercom(payload, ctx, options),
    // a user's message; admin topics may be an assignment or a close, with no message to read
    announcesMessage: (payload) => {
      const topic = topicSchema.safeParse(payload);
      return topic.success && (USER_TOPICS as readonly string[]).includes(topic.data.topic);
    },
    solveOf: intercomSolve,
  };
}
