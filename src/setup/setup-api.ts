import type { z } from 'zod';
import type { AccessTokenProvider } from '../helpdesk/zendesk/oauth';
import { fetchJson } from '../helpdesk/fetch-json';
import { HelpdeskError, HelpdeskProvider } from '../helpdesk/helpdesk-error';

/**
 * The HTTP side of `draftpilot setup`: GET/POST/PUT against one helpdesk with its credentials, every
 * answer parsed with a zod schema at the boundary (fetchJson), every failure a HelpdeskError. The
 * planners in zendesk-setup.ts / intercom-setup.ts only see this interface, so tests can swap it and
 * a dry run can be made write-proof (`readOnly`).
 */
export interface SetupCall {
  method: 'GET' | 'POST' | 'PUT';
  /** path and query, never a credential */
  path: string;
}

export interface SetupApi {
  readonly provider: HelpdeskProvider;
  /** origin (and base path) without a trailing slash */
  readonly baseUrl: string;
  /** `path` relative to baseUrl, or a full URL on the same origin (a next-page link) */
  get<T>(path: string, schema: z.ZodType<T>): Promise<T>;
  post<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T>;
  put<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T>;
  /** every call made so far, in order: what the CLI and the tests check a dry run against */
  readonly calls: readonly SetupCall[];
}

/** A write attempted through a read-only (dry-run) api: a bug in the planner, never a helpdesk answer. */
export class DryRunWriteError extends Error {
  constructor(method: string, path: string) {
    super(`dry run: refusing ${method} ${path} (a dry run makes GET requests only)`);
    this.name = 'DryRunWriteError';
  }
}

export interface HttpSetupApiOptions {
  provider: HelpdeskProvider;
  baseUrl: string;
  /** headers sent with every call (accept, intercom-version, a static authorization) */
  headers: Record<string, string>;
  /** Zendesk: a bearer token per call, renewed once after a 401 (OAuth); omitted when `headers` carries it */
  tokens?: AccessTokenProvider;
  /** a dry run: POST and PUT throw DryRunWriteError before anything is sent */
  readOnly?: boolean;
  timeoutMs?: number;
}

export class HttpSetupApi implements SetupApi {
  readonly provider: HelpdeskProvider;
  readonly baseUrl: string;
  readonly calls: SetupCall[] = [];
  private readonly origin: string;

  constructor(private readonly options: HttpSetupApiOptions) {
    this.provider = options.provider;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.origin = new URL(this.baseUrl).origin;
  }

  get<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    return this.call('GET', path, undefined, schema);
  }

  post<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    return this.call('POST', path, body, schema);
  }

  put<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    return this.call('PUT', path, body, schema);
  }

  private async call<T>(method: SetupCall['method'], pathOrUrl: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.baseUrl}${pathOrUrl}`;
    const parsed = new URL(url);
    // A next-page link pointing elsewhere would carry our bearer token to another host.
    if (parsed.origin !== this.origin) {
      throw new HelpdeskError(this.provider, 0, `${this.provider}_unexpected_response`, `${this.provider}: refusing to follow a link to another host (${parsed.origin})`, true);
    }
    const shown = `${parsed.pathname}${parsed.search}`;
    if (method !== 'GET' && this.options.readOnly) throw new DryRunWriteError(method, shown);
    this.calls.push({ method, path: shown });
    const send = async (token: string | undefined) => {
      const headers: Record<string, string> = { ...this.options.headers };
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      return fetchJson(
        url,
        { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }), ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}) },
        this.provider,
        schema,
      );
    };
    const tokens = this.options.tokens;
    if (!tokens) return send(undefined);
    const token = await tokens.token();
    try {
      return await send(token);
    } catch (err) {
      if (!(err instanceof HelpdeskError) || err.status !== 401) throw err;
      // An OAuth token revoked or expired early: one refresh, one retry. A static token's 401 is final.
      const renewed = await tokens.renewAfterUnauthorized(token);
      if (renewed === null) throw err;
      return send(renewed);
    }
  }
}
