import { runCli } from '../../src/cli';
import { newDraftId } from '../../src/drafting/draft-store';
import { DRAFT_ID, draftSummary } from '../../src/drafting/draft-view';
import { formatDraftList, parseDraftsArgs } from '../../src/setup/drafts-command';
import { UsageError } from '../../src/setup/commands';

async function cli(args: string[], env: Record<string, string> = { ADMIN_TOKEN: 'token' }) {
  let out = '';
  let err = '';
  const code = await runCli(args, { env, cwd: '/nonexistent-dir', stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

describe('draft ids', () => {
  it('every new draft id is one the API and the CLI accept', () => {
    for (let i = 0; i < 200; i++) expect(newDraftId()).toMatch(DRAFT_ID);
  });
});

describe('drafts arguments', () => {
  it('list takes --limit, --json, --url and --dotenv, in either form', () => {
    expect(parseDraftsArgs(['list'])).toEqual({ command: 'list', json: false });
    expect(parseDraftsArgs(['list', '--limit', '20', '--json', '--url=http://127.0.0.1:4000', '--dotenv', 'x.env'])).toEqual({ command: 'list', limit: 20, json: true, url: 'http://127.0.0.1:4000', envFile: 'x.env' });
  });

  it('show takes one well-formed draft id', () => {
    expect(parseDraftsArgs(['show', 'd_Xk3v9QpLm2Wd', '--json'])).toEqual({ command: 'show', id: 'd_Xk3v9QpLm2Wd', json: true });
  });

  it.each([
    [['show'], 'drafts show needs a draft id'],
    [['show', 'd_Xk3v9QpLm2W'], '"d_Xk3v9QpLm2W" is not a draft id'],
    [['show', 'd_Xk3v9QpLm2Wd', 'd_Xk3v9QpLm2We'], 'unexpected argument "d_Xk3v9QpLm2We"'],
    [['show', 'd_Xk3v9QpLm2Wd', '--limit', '3'], 'unexpected option --limit: it belongs to drafts list'],
    [['list', '--limit', '0'], '--limit 0: a whole number from 1 to 500'],
    [['list', '--limit', 'ten'], '--limit ten: a whole number from 1 to 500'],
    [['list', '--limit'], '--limit needs a value'],
    [['list', '--status', 'failed'], 'unknown option --status for drafts'],
    [['list', 'extra'], 'unexpected argument "extra"'],
    [['remove'], 'unknown command "drafts remove"'],
    [[], 'drafts what?'],
  ])('%j is refused: %s', (argv, message) => {
    expect(() => parseDraftsArgs(argv)).toThrow(UsageError);
    expect(() => parseDraftsArgs(argv)).toThrow(message);
  });

  it('usage errors exit 2 with the drafts usage; --help answers on stdout', async () => {
    const wrong = await cli(['drafts', 'remove']);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('draftpilot: unknown command "drafts remove"');
    expect(wrong.err).toContain('usage: draftpilot drafts list');
    expect(wrong.err).not.toContain('setup zendesk');
    const help = await cli(['drafts', '--help']);
    expect(help).toMatchObject({ code: 0, err: '' });
    expect(help.out).toContain('drafts show ID');
    expect((await cli(['--help'])).out).toContain('usage: draftpilot drafts list');
  });

  it('a --url that is not one is a usage error, before anything is sent', async () => {
    expect(await cli(['drafts', 'list', '--url', 'localhost:3000'])).toMatchObject({ code: 2, err: expect.stringContaining('--url localhost:3000: must start with http:// or https://') });
  });
});

describe('drafts list output', () => {
  const row = (id: string, over: Record<string, unknown> = {}) =>
    draftSummary({
      id,
      tenant: 'zendesk:acme',
      provider: 'zendesk',
      thread_id: '4812',
      message_id: 'm1',
      requester_id: null,
      decision: 'escalate',
      category: 'shipping',
      intent: 'question',
      confidence: 0.25,
      sentiment: { label: 'neutral', score: 0 },
      reasons: ['account_access', 'negative_sentiment'],
      sources: [],
      draft: null,
      brief: {},
      guard: [],
      model: 'offline',
      usage: null,
      created_at: new Date('2026-11-27T10:02:43.512Z'),
      delivered_at: null,
      delivery: null,
      superseded_by: null,
      publication: null,
      ...over,
    });

  it('one aligned line per draft: id, time, ticket, decision, reasons, status', () => {
    const text = formatDraftList({
      drafts: [
        row('d_AAAAAAAAAAAA'),
        row('d_BBBBBBBBBBBB', { provider: 'intercom', tenant: 'intercom:x7k2pq9a', thread_id: '215469330102875', decision: 'review', reasons: [], delivered_at: new Date(), delivery: { shadow: true, written: false, apiCalls: 0, writes: [], detail: 'shadow' } }),
        row('d_CCCCCCCCCCCC', { decision: 'review', reasons: [], delivered_at: new Date(), delivery: { failed: true, shadow: false, written: false, apiCalls: 0, writes: [], detail: 'not delivered: 403' } }),
      ],
      api_calls: {},
    });
    expect(text).toBe(
      [
        'ID              CREATED               TICKET                             DECISION  REASONS                            STATUS',
        'd_AAAAAAAAAAAA  2026-11-27T10:02:43Z  zendesk:acme#4812                  escalate  account_access,negative_sentiment  pending',
        'd_BBBBBBBBBBBB  2026-11-27T10:02:43Z  intercom:x7k2pq9a#215469330102875  review    -                                  shadow',
        'd_CCCCCCCCCCCC  2026-11-27T10:02:43Z  zendesk:acme#4812                  review    -                                  failed',
        '',
      ].join('\n'),
    );
    expect(formatDraftList({ drafts: [], api_calls: {} })).toBe('no drafts yet\n');
  });
});
