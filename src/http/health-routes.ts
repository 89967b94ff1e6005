import { Router } from 'express';
import { describe } from '../domain/errors';
import type { Logger } from '../logger';

export interface Probe {
  name: string;
  check: () => Promise<void>;
}

/**
 * /healthz: the process is alive. /readyz: it can take work (store and queue answer, not shutting
 * down). Both are public (load balancers call them): a failing check says `unavailable`, and its error,
 * which can name internal hosts and ports, goes to the log only.
 */
export function healthRoutes(probes: Probe[], isDraining: () => boolean, logger?: Pick<Logger, 'warn'>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (isDraining()) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    const checks: Record<string, string> = {};
    let ready = true;
    await Promise.all(
      probes.map(async (p) => {
        try {
          await withTimeout(p.check(), 2000);
          checks[p.name] = 'ok';
        } catch (err) {
          ready = false;
          checks[p.name] = 'unavailable';
          logger?.warn({ check: p.name, err: describe(err) }, 'readiness check failed');
        }
      }),
    );
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
  return router;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref())]);
}
