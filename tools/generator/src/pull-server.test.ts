import { afterEach, describe, expect, it } from 'vitest';
import { generate } from './generator.ts';
import { parsePage, startPullServer, type PullServer, type PullSource } from './pull-server.ts';

const records = generate({ seed: 'pull', total: 25, faults: { duplicate: 10, unknown_event: 10 } });
let available = 25;
const source: PullSource = { total: 25, available: () => available, get: (i) => records[i]! };
let server: PullServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  available = 25;
});

type Page = { events: unknown[]; next_cursor: string };
const get = async (path: string, headers: Record<string, string> = {}): Promise<{ status: number; page: Page }> => {
  const response = await fetch(`${server?.url}${path}`, { headers });
  return { status: response.status, page: (await response.json()) as Page };
};

describe('startPullServer', () => {
  it('pages through every record in order with an opaque cursor, then reports caught up', async () => {
    server = await startPullServer({ source, port: 0 });
    const texts: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const { status, page } = await get(`/events?limit=10${cursor === undefined ? '' : `&since=${cursor}`}`);
      expect(status).toBe(200);
      if (page.events.length === 0) {
        expect(page.next_cursor).toBe(cursor);
        break;
      }
      texts.push(...page.events.map((event) => JSON.stringify(event)));
      cursor = page.next_cursor;
    }
    expect(texts).toEqual(records.map((r) => r.text));
    expect(server.servedUpTo()).toBe(25);
  });

  it('serves records byte for byte (integer ids and number formats kept)', async () => {
    server = await startPullServer({ source, port: 0 });
    const response = await fetch(`${server.url}/events?since=0&limit=3`);
    expect(await response.text()).toBe(`{"events":[${records.slice(0, 3).map((r) => r.text).join(',')}],"next_cursor":"3"}`);
  });

  it('serves only what is available yet', async () => {
    available = 4;
    server = await startPullServer({ source, port: 0 });
    const first = await get('/events?limit=100');
    expect(first.page.events).toHaveLength(4);
    expect(first.page.next_cursor).toBe('4');
    const second = await get('/events?since=4&limit=100');
    expect(second.page).toEqual({ events: [], next_cursor: '4' });
  });

  it('requires the bearer token when one is set', async () => {
    server = await startPullServer({ source, port: 0, token: 't0ken' });
    expect((await get('/events')).status).toBe(401);
    expect((await get('/events', { authorization: 'Bearer t0ken' })).status).toBe(200);
  });

  it('refuses bad cursors and limits with 400, unknown paths with 404', async () => {
    server = await startPullServer({ source, port: 0 });
    expect((await get('/events?since=abc')).status).toBe(400);
    expect((await get('/events?since=26')).status).toBe(400);
    expect((await get('/events?limit=0')).status).toBe(400);
    expect((await get('/nope')).status).toBe(404);
  });

  it('reports each page to onServe', async () => {
    const pages: [number, number][] = [];
    server = await startPullServer({ source, port: 0, onServe: (from, to) => pages.push([from, to]) });
    await get('/events?limit=20');
    await get('/events?since=20&limit=20');
    await get('/events?since=25');
    expect(pages).toEqual([
      [0, 20],
      [20, 25],
      [25, 25],
    ]);
  });
});

describe('parsePage', () => {
  const bounds = { defaultLimit: 100, maxLimit: 500, total: 1000 };
  it('defaults and caps', () => {
    expect(parsePage(new URLSearchParams(''), bounds)).toEqual({ ok: true, since: 0, limit: 100 });
    expect(parsePage(new URLSearchParams('since=&limit=9999'), bounds)).toEqual({ ok: true, since: 0, limit: 500 });
    expect(parsePage(new URLSearchParams('since=1000&limit=1'), bounds)).toEqual({ ok: true, since: 1000, limit: 1 });
    expect(parsePage(new URLSearchParams('since=-1'), bounds).ok).toBe(false);
  });
});
