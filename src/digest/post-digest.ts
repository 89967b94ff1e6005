import type { SlackMessage } from './digest-message';

/**
 * Posts the digest to an incoming-webhook URL (Slack, or anything that takes Slack's JSON: Mattermost,
 * Rocket.Chat, a chat bridge). A 2xx answer is success; anything else, a timeout or a refused
 * connection is a failure whose message says what the receiver answered. A thin I/O adapter.
 */

export class DigestPostError extends Error {
  constructor(
    message: string,
    /** the receiver's status; undefined when no answer came */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'DigestPostError';
  }
}

export interface PostOptions {
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** The URL without its path: webhook URLs carry their secret in the path, which is never logged. */
export const redactedUrl = (url: string): string => {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return '(not a URL)';
  }
};

/** fetch's "fetch failed" says nothing: its cause names the refusal (ECONNREFUSED, ENOTFOUND, a TLS error). */
function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const detail = cause?.code ?? cause?.message;
  return detail ? `${detail}${cause?.message && cause.message !== detail ? ` (${cause.message})` : ''}` : err instanceof Error || (err as Error)?.message ? (err as Error).message : String(err);
}

export async function postDigest(url: string, message: SlackMessage, options: PostOptions): Promise<void> {
  const doFetch = options.fetch ?? fetch;
  let answer: Response;
  try {
    answer = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'draftpilot-digest' },
      body: JSON.stringify(message),
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (err) {
    const why = (err as Error | undefined)?.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : causeOf(err);
    throw new DigestPostError(`posting the digest to ${redactedUrl(url)} failed: ${why}`);
  }
  const body = (await answer.text().catch(() => '')).slice(0, 200);
  if (!answer.ok) throw new DigestPostError(`the digest webhook ${redactedUrl(url)} answered ${answer.status}${body ? `: ${body}` : ''}`, answer.status);
}
