import { AsyncLocalStorage } from 'node:async_hooks';
import type { HelpdeskProvider } from './helpdesk-error';

/**
 * Which tenant the helpdesk calls made inside `forTenantCalls` are for. A job, a help-center sync and
 * an agent's action each run for one tenant; every helpdesk call beneath them (reads, writes, token
 * grants, through fetch or the provider libraries) goes through `beforeHelpdeskCall`, which waits for
 * the tenant's call limiter, and is counted under the tenant. The calls themselves stay unaware of
 * tenants; a call outside any tenant's work (setup commands) is neither limited nor given a tenant.
 */
const current = new AsyncLocalStorage<{ tenant: string }>();

export function forTenantCalls<T>(tenant: string, work: () => Promise<T>): Promise<T> {
  return current.run({ tenant }, work);
}

/** The tenant whose work this is, if any. */
export function callTenant(): string | undefined {
  return current.getStore()?.tenant;
}

/** Waits until the tenant may make one more call (the process's limiter; none: at once). */
export interface CallGate {
  take(tenant: string, provider: HelpdeskProvider): Promise<void>;
}

let gate: CallGate | undefined;

/** Installs the process's limiter; returns what removes it (tests, shutdown). */
export function setCallGate(next: CallGate): () => void {
  gate = next;
  return () => {
    if (gate === next) gate = undefined;
  };
}

/** Called by every helpdesk transport right before a request goes out. */
export async function beforeHelpdeskCall(provider: HelpdeskProvider): Promise<void> {
  const tenant = callTenant();
  if (tenant && gate) await gate.take(tenant, provider);
}
