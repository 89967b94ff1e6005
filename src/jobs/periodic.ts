import { describe } from '../domain/errors';
import type { Logger } from '../logger';

/**
 * A task run at start (or after `firstDelayMs`) and then every `intervalMs`, one run at a time (a run that outlasts the
 * interval delays the next, never overlaps it). A failed run is logged and the next one tries again.
 * `stop` clears the timer and waits for a run under way.
 */
export interface Periodic {
  stop(): Promise<void>;
}

export function startPeriodic(what: string, intervalMs: number, run: () => Promise<unknown>, logger: Pick<Logger, 'warn'>, firstDelayMs = 0): Periodic {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = running.then(run).catch((err) => logger.warn({ err: describe(err) }, `${what} failed; tried again at the next run`));
  };
  let timer: NodeJS.Timeout | undefined;
  const every = () => {
    tick();
    timer = setInterval(tick, intervalMs);
    timer.unref();
  };
  const first = firstDelayMs > 0 ? setTimeout(every, firstDelayMs).unref() : (every(), undefined);
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
