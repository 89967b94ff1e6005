import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { RequestHandler, Router } from 'express';
import { escapeHtml } from '../brief/html';
import { BullmqQueue } from '../jobs/bullmq-queue';
import type { JobQueue } from '../jobs/queue';
import { page, pageHeaders } from './dashboard-page';

/**
 * The queue board at /dashboard/queues: Bull Board (the maintained BullMQ board) over the thread
 * queue, behind the dashboard's sign-in (the cookie, whose path /dashboard covers the board's own API
 * calls, or the admin token as a bearer). Read-only: a failed job's deliveries are in the dead-letter
 * set of the deliveries table, and `npx draftpilot redrive` puts them back (retrying the BullMQ job
 * alone would not). The embedded mode has no BullMQ queue: the page says so.
 */
export const QUEUE_BOARD_PATH = '/dashboard/queues';

/**
 * Bull Board's page without its web-font link: the board is served from draftpilot alone (the network
 * may be closed), in the system's fonts. Written once to a folder of its own.
 */
function offlineViews(): string {
  const ui = path.dirname(require.resolve('@bull-board/ui/package.json'));
  const html = readFileSync(path.join(ui, 'dist/index.ejs'), 'utf8').replace(/<link[^>]+fonts\.googleapis\.com[^>]*>\s*/g, '');
  // one folder per user and board version, rewritten at each start (the same content)
  const { version } = JSON.parse(readFileSync(path.join(ui, 'package.json'), 'utf8')) as { version: string };
  const dir = path.join(os.tmpdir(), `draftpilot-board-${os.userInfo().uid}-${version}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'index.ejs'), html);
  return dir;
}

export function queueBoardRoutes(queue: JobQueue, requireAdmin: RequestHandler): Router {
  const router = Router();
  if (!(queue instanceof BullmqQueue)) {
    router.get([QUEUE_BOARD_PATH, `${QUEUE_BOARD_PATH}/*rest`], pageHeaders, requireAdmin, (_req, res) => {
      res.status(404).type('html').send(page({ title: 'Queue board', current: '', signedIn: true, body: `<p>${escapeHtml('The queue board shows the BullMQ queue of the PostgreSQL + Redis mode (REDIS_URL). The embedded mode keeps its queue in the deliveries table: see the overview\'s queue health and GET /api/deliveries.')}</p>` }));
    });
    return router;
  }
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: [new BullMQAdapter(queue.raw, { readOnlyMode: true, description: 'one job per thread: fold its deliveries, draft, decide, deliver' })],
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'draftpilot queue', hideRedisDetails: false } },
  });
  adapter.setViewsPath(offlineViews());
  router.use(QUEUE_BOARD_PATH, requireAdmin, (_req, res, next) => {
    // the board is a script page: its own policy, its assets and API from this origin only
    res.setHeader('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'; base-uri 'self'");
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'same-origin');
    next();
  }, adapter.getRouter());
  return router;
}
