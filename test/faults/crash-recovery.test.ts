import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { signZendesk } from '../../src/edge/zendesk/verify';
import { markerFor } from '../../src/domain/marker';
import { LOCK_FILE } from '../../src/store/data-dir-lock';
import { freshDataDir, removeDir } from '../helpers/databases';
import { zendeskComment } from '../helpers/fixtures';
import { HookAction, SeenRequest, ZendeskStandIn } from '../helpers/zendesk-stand-in';
import { bounded, Child, Children, sleep, waitFor, zendeskChildEnv } from '../helpers/child-service';

/**
 * The service runs as a child process on the embedded store (PGlite under DATA_DIR, the in-process
 * queue) against a Zendesk stand-in, and is killed at a chosen point of a job. A second process on the
 * same DATA_DIR must then finish every delivery: each ticket ends with exactly one draftpilot note
 * (none missing, none written twice), and every draft is recorded as delivered.
 */

const ROOT = path.resolve(__dirname, '../..');
const SECRET = 'crash-test-secret-0123456789';
const ADMIN_TOKEN = 'crash-test-admin-token-0123456789';
const ACCESS_TOKEN = 'zd-crash-test-token';
const BOT_USER_ID = 9100000001;
const TENANT = 'zendesk:acme';

/**
 * Upper bounds of every wait. A start is a deadline, not a duration: tsx compiles the child, which
 * takes far longer when CI runs the other process-spawning suites beside this one.
 */
const START_MS = 45_000;
const EXIT_MS = 15_000;
const SETTLE_MS = 20_000;

let standIn: ZendeskStandIn;
let tmp: string;
let configFile: string;
const children = new Children(EXIT_MS);
let nextTicket = 8100;

beforeAll(async () => {
  standIn = new ZendeskStandIn({ botUserId: BOT_USER_ID, token: ACCESS_TOKEN });
  await standIn.start();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'draftpilot-crash-'));
  // Quick retries: 200 ms, then 400, 800, ... over 6 attempts.
  const settings = parse(readFileSync(path.join(ROOT, 'config/default.yaml'), 'utf8')) as { queue: Record<string, unknown> };
  settings.queue.backoff_ms = 200;
  settings.queue.attempts = 6;
  configFile = path.join(tmp, 'draftpilot.yaml');
  writeFileSync(configFile, stringify(settings));
});

/** A failed test must not leave a process behind (each one is ours, killed by its own pid). */
afterEach(() => children.killAll());

afterAll(async () => {
  // What each scenario saw (kill point, notes per ticket, requests, timings), on request.
  if (process.env.CRASH_RECOVERY_REPORT) process.stdout.write(`crash-recovery observations:\n${JSON.stringify(report, null, 1)}\n`);
  await standIn?.stop();
  if (tmp) removeDir(tmp);
});

/** The service on the embedded store under `dataDir`, against the stand-in. */
function serviceEnv(dataDir: string): Record<string, string> {
  return { DATA_DIR: dataDir, ...zendeskChildEnv({ secret: SECRET, botUserId: BOT_USER_ID, accessToken: ACCESS_TOKEN, standInUrl: standIn.baseUrl, adminToken: ADMIN_TOKEN, configFile }) };
}
const spawnChild = (dataDir: string) => children.spawn(serviceEnv(dataDir));
const startChild = (dataDir: string) => children.start(serviceEnv(dataDir), START_MS);
async function stopChild(child: Child): Promise<void> {
  const { code } = await children.stop(child);
  expect(code).toBe(0);
}

function postDelivery(child: Child, ticketId: string): Promise<Response> {
  const raw = JSON.stringify(zendeskComment({ ticketId, text: `Where is my order for ticket ${ticketId}? Order 77${ticketId}.` }));
  return fetch(`${child.url}/webhooks/zendesk`, { method: 'POST', headers: { 'content-type': 'application/json', ...signZendesk(raw, SECRET) }, body: raw });
}

interface DeliveryView {
  tenant: string;
  delivery_id: string;
  thread_id: string;
  status: string;
  attempts: number;
  last_error: string | null;
}
interface DraftView {
  id: string;
  thread_id: string;
  status: string;
  decision: string;
  delivery: { written: boolean | null; detail: string | null } | null;
}

async function admin<T>(child: Child, what: 'deliveries' | 'drafts'): Promise<T> {
  const res = await fetch(`${child.url}/api/${what}?limit=500`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  if (res.status !== 200) throw new Error(`GET /api/${what} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** A one-shot latch: the kill point of a scenario. */
function latch(): { promise: Promise<void>; open: () => void; isOpen: () => boolean } {
  let open!: () => void;
  let done = false;
  const promise = new Promise<void>((resolve) => (open = () => ((done = true), resolve())));
  return { promise, open, isOpen: () => done };
}

interface Scenario {
  /**
   * Arms the stand-in for the first run. `posted` resolves once all five deliveries were answered 202
   * (a kill point waits for it, so no delivery is refused by a process already dead); `killed` is to be
   * opened when the signal is sent.
   */
  arm(ctx: { first: Child; tickets: string[]; posted: Promise<void>; killed: ReturnType<typeof latch> }): void;
  /** runs right after the five 202s (scenario 6 kills here) */
  afterPosted?: (ctx: { first: Child; killed: ReturnType<typeof latch> }) => void;
  /** how the first run must end */
  expectExit: { code: number | null; signal: NodeJS.Signals | null };
}

interface Observed {
  tickets: string[];
  /** what the stand-in held when the first process was gone: draftpilot comments per ticket */
  atKill: Record<string, number>;
  /** the ticket requests of the first run */
  firstRun: SeenRequest[];
  /** the ticket requests of the restarted run */
  secondRun: SeenRequest[];
  /** draftpilot comments per ticket at the end */
  final: Record<string, number>;
  drafts: DraftView[];
  deliveries: DeliveryView[];
  firstOut: string;
  secondOut: string;
}

const report: Record<string, unknown> = {};

/**
 * Five deliveries for five tickets, the first process ended at the scenario's kill point, a second one
 * on the same DATA_DIR with Zendesk behaving normally; then the end state is checked: all five
 * deliveries done, five drafts delivered, exactly one draftpilot note per ticket carrying its draft's marker.
 */
async function runScenario(name: string, scenario: Scenario): Promise<Observed> {
  const dataDir = freshDataDir();
  try {
    standIn.reset();
    const tickets = Array.from({ length: 5 }, () => String(nextTicket++));
    for (const t of tickets) standIn.addTicket(t, `Where is my order for ticket ${t}?`);

    const t0 = Date.now();
    const ms: Record<string, number> = {};
    const lap = (what: string) => (ms[what] = Date.now() - t0);
    const first = await startChild(dataDir);
    lap('first started');
    const killed = latch();
    standIn.kill = () => {
      first.proc.kill('SIGKILL');
      killed.open();
    };
    const postedLatch = latch();
    scenario.arm({ first, tickets, posted: postedLatch.promise, killed });

    const answers = await Promise.all(tickets.map((t) => postDelivery(first, t)));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    postedLatch.open();
    scenario.afterPosted?.({ first, killed });

    await bounded(killed.promise, SETTLE_MS, `the kill point of "${name}"`).catch((err: Error) => {
      throw new Error(`${err.message}; stand-in saw ${JSON.stringify(standIn.requests.map((r) => `${r.method} ${r.url} ${r.status ?? r.action}`))}; child: ${first.out()}${first.err()}`);
    });
    const ended = await bounded(first.exit, EXIT_MS, 'the first process to end');
    lap('first ended');
    expect(ended).toEqual(scenario.expectExit);
    const atKill = Object.fromEntries(tickets.map((t) => [t, standIn.botComments(t).length]));
    const firstRun = standIn.ticketRequests();
    const firstUnexpected = [...standIn.unexpected];
    // No note may be doubled even before the restart.
    for (const t of tickets) expect(atKill[t]).toBeLessThanOrEqual(1);

    // The restart, with Zendesk behaving normally.
    standIn.reset();
    standIn.kill = () => {
      throw new Error('no kill point is armed for the restarted process');
    };
    const second = await startChild(dataDir);
    lap('second started');
    let deliveries: DeliveryView[] = [];
    await waitFor(
      async () => {
        deliveries = (await admin<{ deliveries: DeliveryView[] }>(second, 'deliveries')).deliveries;
        if (deliveries.some((d) => d.status === 'failed')) return true; // no point waiting: asserted below
        return deliveries.length === 5 && deliveries.every((d) => d.status === 'done');
      },
      SETTLE_MS,
      'all five deliveries to be done after the restart',
      () => `${JSON.stringify(deliveries)}; child: ${second.out()}${second.err()}`,
    );
    lap('all done');
    const { drafts } = await admin<{ drafts: DraftView[] }>(second, 'drafts');
    const secondRun = standIn.ticketRequests();
    const final = Object.fromEntries(tickets.map((t) => [t, standIn.botComments(t).length]));
    const unexpected = [...firstUnexpected, ...standIn.unexpected];
    await stopChild(second);
    lap('second stopped');

    report[name] = {
      ms,
      atKill,
      final,
      firstRun: firstRun.map((r) => `${r.method} ${r.ticketId} ${r.kind} -> ${r.status ?? r.action}`),
      secondRun: secondRun.map((r) => `${r.method} ${r.ticketId} ${r.kind} -> ${r.status}`),
    };

    // None lost: every delivery done, every ticket's draft stored and delivered.
    expect(deliveries.map((d) => ({ tenant: d.tenant, thread: d.thread_id, status: d.status, error: d.last_error })).sort((a, b) => a.thread.localeCompare(b.thread))).toEqual(
      tickets.map((t) => ({ tenant: TENANT, thread: t, status: 'done', error: null })),
    );
    expect(drafts).toHaveLength(5);
    expect(drafts.map((d) => d.thread_id).sort()).toEqual(tickets);
    expect(drafts.map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered', 'delivered', 'delivered']);
    // None doubled: exactly one draftpilot comment per ticket, an internal note carrying that ticket's draft marker.
    expect(final).toEqual(Object.fromEntries(tickets.map((t) => [t, 1])));
    for (const t of tickets) {
      const draft = drafts.find((d) => d.thread_id === t)!;
      const [note] = standIn.botComments(t);
      expect(note!.public).toBe(false);
      expect(note!.html_body).toContain(markerFor(draft.id));
    }
    // Nothing but the calls the writer makes (and the help-center listing the worker reads at start).
    expect(unexpected).toEqual([]);
    expect([...firstRun, ...secondRun].filter((r) => r.status === 409 || r.status === 401 || r.status === 404)).toEqual([]);

    return { tickets, atKill, firstRun, secondRun, final, drafts, deliveries, firstOut: first.out(), secondOut: second.out() };
  } finally {
    await children.killAll();
    removeDir(dataDir);
  }
}

/** Kills on the first request of `kind` once all deliveries were accepted; every other request passes. */
function killOnFirst(kind: SeenRequest['kind'], action: 'kill-before' | 'kill-after-apply'): Scenario['arm'] {
  return ({ posted }) => {
    let armed = true;
    standIn.hook = async (req) => {
      if (!armed || req.kind !== kind) return 'pass';
      armed = false;
      await posted;
      return action;
    };
  };
}

const SIGKILLED = { code: null, signal: 'SIGKILL' as NodeJS.Signals };

describe('crash recovery: the service killed mid-job loses nothing and writes nothing twice', () => {
  jest.setTimeout(60_000);

  it('1. SIGKILL when Zendesk receives the first ticket update, before applying it', async () => {
    const seen = await runScenario('1 kill before the first PUT', { arm: killOnFirst('ticket.update', 'kill-before'), expectExit: SIGKILLED });
    const killedAt = seen.firstRun.find((r) => r.action === 'kill-before')!;
    expect(killedAt.kind).toBe('ticket.update');
    // Nothing was written before the kill; the restart wrote the missing note once.
    expect(Object.values(seen.atKill)).toEqual([0, 0, 0, 0, 0]);
    // The restart delivered the draft stored before the kill (a redelivery reads the marker first), once.
    expect(seen.secondRun.find((r) => r.ticketId === killedAt.ticketId)?.kind).toBe('ticket.comments');
    expect(seen.secondRun.filter((r) => r.kind === 'ticket.update' && r.ticketId === killedAt.ticketId && r.status === 200)).toHaveLength(1);
  });

  it('2. SIGKILL right after Zendesk applied the first update, before it answered (the answer is lost)', async () => {
    const seen = await runScenario('2 kill after applying the first PUT', { arm: killOnFirst('ticket.update', 'kill-after-apply'), expectExit: SIGKILLED });
    const killedAt = seen.firstRun.find((r) => r.action === 'kill-after-apply')!;
    expect(killedAt.kind).toBe('ticket.update');
    // The note was in Zendesk before the restart...
    expect(seen.atKill[killedAt.ticketId!]).toBe(1);
    // ...so the restart found its marker and sent no second update for that ticket.
    const again = seen.secondRun.filter((r) => r.ticketId === killedAt.ticketId);
    expect(again.map((r) => r.kind)).toEqual(['ticket.comments']);
    const draft = seen.drafts.find((d) => d.thread_id === killedAt.ticketId)!;
    expect(draft.delivery).toMatchObject({ written: false });
    expect(draft.delivery!.detail).toContain(`already delivered`);
    expect(draft.delivery!.detail).toContain(markerFor(draft.id));
  });

  it('3. SIGKILL when Zendesk receives the first ticket read (nothing written yet)', async () => {
    const seen = await runScenario('3 kill on the first ticket GET', { arm: killOnFirst('ticket.show', 'kill-before'), expectExit: SIGKILLED });
    const killedAt = seen.firstRun.find((r) => r.action === 'kill-before')!;
    expect(killedAt.kind).toBe('ticket.show');
    // Its draft was stored before the kill: the restart delivered that one (marker read first), once.
    expect(seen.secondRun.find((r) => r.ticketId === killedAt.ticketId)?.kind).toBe('ticket.comments');
    expect(seen.firstRun.filter((r) => r.kind === 'ticket.update')).toEqual([]);
    expect(Object.values(seen.atKill)).toEqual([0, 0, 0, 0, 0]);
  });

  /**
   * Every update is answered 500 until the process is gone. The first 500 may hit a batch of threads,
   * which the embedded queue splits and retries at once, thread by thread; the next 500 puts a thread's
   * job into its retry backoff (200 ms, logged "job failed, will retry"). The signal comes ~100 ms
   * after that log line, in the middle of the backoff.
   */
  function failUpdatesThenSignal(signal: NodeJS.Signals): Scenario['arm'] {
    return ({ first, killed }) => {
      standIn.hook = (req) => (req.kind === 'ticket.update' ? 'fail-500' : 'pass');
      void waitFor(() => first.out().includes('job failed, will retry') || first.exited(), SETTLE_MS, 'a job in its retry backoff').then(
        async () => {
          await sleep(100);
          first.proc.kill(signal);
          killed.open();
        },
        () => undefined, // the kill point wait in runScenario reports the timeout
      );
    };
  }

  it('4. SIGKILL while a job waits in its retry backoff after a 500', async () => {
    const seen = await runScenario('4 SIGKILL in retry backoff', { arm: failUpdatesThenSignal('SIGKILL'), expectExit: SIGKILLED });
    expect(seen.firstOut).toContain('job failed, will retry');
    expect(seen.firstRun.filter((r) => r.kind === 'ticket.update').every((r) => r.status === 500)).toBe(true);
    expect(seen.firstRun.some((r) => r.status === 500)).toBe(true);
    expect(Object.values(seen.atKill)).toEqual([0, 0, 0, 0, 0]);
  });

  it('5. SIGTERM while a job waits in its retry backoff: a normal stop (exit 0), resumed at the next start', async () => {
    const seen = await runScenario('5 SIGTERM in retry backoff', { arm: failUpdatesThenSignal('SIGTERM'), expectExit: { code: 0, signal: null } });
    expect(seen.firstOut).toContain('job failed, will retry');
    expect(seen.firstRun.filter((r) => r.kind === 'ticket.update').every((r) => r.status === 500)).toBe(true);
    expect(Object.values(seen.atKill)).toEqual([0, 0, 0, 0, 0]);
    // The deliveries a stop leaves unfinished are not dead-lettered: the restart delivered them all.
    expect(seen.firstOut).not.toContain('job failed for good');
  });

  it('6. SIGKILL right after all five deliveries were answered 202', async () => {
    let killedBy = '';
    const seen = await runScenario('6 kill right after the 202s', {
      arm: ({ posted }) => {
        // Fallback: a job faster than the test's kill is stopped at its first request (after the 202s).
        standIn.hook = async (): Promise<HookAction> => {
          await posted;
          killedBy ||= 'first request';
          return 'kill-before';
        };
      },
      afterPosted: ({ first, killed }) => {
        killedBy ||= 'after the 202s';
        first.proc.kill('SIGKILL');
        killed.open();
      },
      expectExit: SIGKILLED,
    });
    report['6 kill right after the 202s (how)'] = { killedBy, ticketRequestsBeforeKill: seen.firstRun.length };
    // Whatever the job had reached, nothing was written before the kill.
    expect(seen.firstRun.filter((r) => r.status !== undefined)).toEqual([]);
    expect(Object.values(seen.atKill)).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('one process per DATA_DIR', () => {
  jest.setTimeout(60_000);

  it('7. a second process on a running one\'s DATA_DIR exits 1 naming both; after a SIGKILL the stale lock is taken over', async () => {
    const dataDir = freshDataDir();
    try {
      standIn.reset();
      const first = await startChild(dataDir);
      const lockFile = path.join(dataDir, LOCK_FILE);
      expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: first.pid });

      const second = spawnChild(dataDir);
      const { code } = await bounded(second.exit, START_MS, 'the second process to refuse the DATA_DIR');
      expect(code).toBe(1);
      expect(second.err()).toContain(`DATA_DIR ${dataDir} is in use by draftpilot process ${first.pid}`);
      expect(second.err()).not.toMatch(/\n\s+at /); // a message, not a stack trace
      expect(second.out()).not.toContain('draftpilot is running');
      // The refused process left the first one's lock alone and the first one still serves.
      expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: first.pid });
      expect((await fetch(`${first.url}/healthz`)).status).toBe(200);

      first.proc.kill('SIGKILL');
      expect(await bounded(first.exit, EXIT_MS, 'the first process to die')).toEqual(SIGKILLED);
      // A SIGKILL leaves the lock file behind, naming a dead process.
      expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: first.pid });

      const third = await startChild(dataDir);
      expect(third.out()).toContain('draftpilot is running');
      const health = await fetch(`${third.url}/healthz`);
      expect(health.status).toBe(200);
      expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: third.pid });
      await stopChild(third);
      // A normal stop releases the lock.
      expect(existsSync(lockFile)).toBe(false);
      report['7 DATA_DIR lock'] = { firstPid: first.pid, refusal: second.err().trim(), thirdPid: third.pid, health: health.status };
    } finally {
      await children.killAll();
      removeDir(dataDir);
    }
  });
});
