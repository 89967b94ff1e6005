import path from 'node:path';
import { EnvFileError, loadEnvFile } from '../config/env-file';
import { CliIo, UsageError } from './commands';

/**
 * The commands that talk to the running service (`redrive`, `drafts`): its admin API at --url
 * (default http://127.0.0.1:<PORT>) with ADMIN_TOKEN, both read from the environment or the .env file.
 */
export interface ServiceTarget {
  base: string;
  token: string;
}

export interface ServiceAnswer {
  status: number;
  ok: boolean;
  text: string;
}

/** The service did not answer at all (not running, wrong --url, a timeout). */
export class ServiceUnreachable extends Error {
  constructor(
    readonly base: string,
    cause: unknown,
  ) {
    super(`${base} did not answer (${describeCause(cause)}); is draftpilot running there? (--url)`);
    this.name = 'ServiceUnreachable';
  }
}

function describeCause(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // fetch reports "fetch failed" and puts the reason (ECONNREFUSED 127.0.0.1:3000) in its cause.
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error && cause.message ? `${err.message}: ${cause.message}` : err.message;
}

export function serviceTarget(command: string, args: { url?: string; envFile?: string }, io: CliIo): ServiceTarget {
  try {
    loadEnvFile(path.resolve(io.cwd ?? process.cwd(), args.envFile ?? '.env'), io.env);
  } catch (err) {
    if (err instanceof EnvFileError) throw new UsageError(err.message);
    throw err;
  }
  const token = io.env.ADMIN_TOKEN?.trim();
  if (!token) throw new UsageError(`${command} needs ADMIN_TOKEN (the running service's admin token) in the environment or the .env file`);
  const raw = args.url ?? `http://127.0.0.1:${io.env.PORT?.trim() || '3000'}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url ${raw}: not a URL; pass the service's base URL, e.g. --url http://127.0.0.1:3000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url ${raw}: must start with http:// or https://`);
  return { base: raw.replace(/\/+$/, ''), token };
}

/** One admin API call; throws ServiceUnreachable when nothing answered. */
export async function callService(target: ServiceTarget, apiPath: string, init: { method?: string; body?: unknown; timeoutMs?: number } = {}): Promise<ServiceAnswer> {
  let res: Response;
  try {
    res = await fetch(`${target.base}${apiPath}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${target.token}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      signal: AbortSignal.timeout(init.timeoutMs ?? 30_000),
    });
  } catch (err) {
    throw new ServiceUnreachable(target.base, err);
  }
  return { status: res.status, ok: res.ok, text: await res.text() };
}

/** The `{error, message}` of an error answer, or the start of whatever else was answered. */
export function errorOf(answer: ServiceAnswer): { code: string | undefined; message: string } {
  try {
    const body = JSON.parse(answer.text) as { error?: unknown; message?: unknown };
    if (typeof body.message === 'string') return { code: typeof body.error === 'string' ? body.error : undefined, message: body.message };
  } catch {
    // not JSON: a proxy's page, another service
  }
  return { code: undefined, message: answer.text.slice(0, 300) };
}
