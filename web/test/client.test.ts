import { describe, expect, test } from 'vitest';
import { ApiClient, ApiProblem, backoffMs, retryAfterMs, RETRY_WAIT_CAP_MS } from '../src/api/client';
import { FanApi } from '../src/api/fan';

interface Sent {
  url: string;
  headers: Record<string, string>;
  body?: string;
}

function fakeApi(answers: Response[], now?: () => number) {
  const sent: Sent[] = [];
  const slept: number[] = [];
  const client = new ApiClient({
    base: '',
    bearer: () => 'jwt-1',
    fetch: async (url, init) => {
      sent.push({ url: String(url), headers: init?.headers as Record<string, string>, body: init?.body as string });
      const next = answers.shift();
      if (!next) throw new TypeError('no more answers');
      return next;
    },
    sleep: async (ms) => void slept.push(ms),
    random: () => 0,
    now,
  });
  return { client, sent, slept };
}

const problem = (status: number, code: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ type: 'x', title: 'x', status, detail: 'd', code }), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });
const ok = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });

describe('the API client', () => {
  test('sends the JWT, the queue token and the Idempotency-Key', async () => {
    const { client, sent } = fakeApi([ok({ paymentId: 'p' }, 201)]);
    await client.call({ method: 'POST', path: '/payments', body: { reservationIds: ['r'] }, queueToken: 'q', idempotencyKey: 'pay-1' });
    expect(sent[0].headers).toMatchObject({ authorization: 'Bearer jwt-1', 'x-queue-token': 'q', 'idempotency-key': 'pay-1' });
    expect(JSON.parse(sent[0].body!)).toEqual({ reservationIds: ['r'] });
  });

  test('a 503 is retried after Retry-After, backing off, with the same key, then succeeds', async () => {
    const { client, sent, slept } = fakeApi([
      problem(503, 'SERVICE_UNAVAILABLE', { 'retry-after': '1' }),
      problem(503, 'CONTENTION', { 'retry-after': '2' }),
      ok({ balance: 500 }),
    ]);
    const r = await client.call<{ balance: number }>({ method: 'POST', path: '/users/u/balance/charges', body: { amount: 500 }, idempotencyKey: 'k' });
    expect(r.balance).toBe(500);
    expect(sent.map((s) => s.headers['idempotency-key'])).toEqual(['k', 'k', 'k']);
    expect(slept).toEqual([1000, 4000]);
  });

  test('a 503 that persists is given up with its code after a few retries', async () => {
    const { client, sent } = fakeApi(Array.from({ length: 5 }, () => problem(503, 'THROTTLED', { 'retry-after': '1' })));
    await expect(client.call({ path: '/concerts' })).rejects.toMatchObject({ status: 503, code: 'THROTTLED' });
    expect(sent).toHaveLength(4);
  });

  test('other problems are not retried and keep their code', async () => {
    const { client, sent } = fakeApi([problem(409, 'SEAT_UNAVAILABLE')]);
    const e = await client.call({ method: 'POST', path: '/reservations', body: {} }).catch((x) => x);
    expect(e).toBeInstanceOf(ApiProblem);
    expect(e).toMatchObject({ status: 409, code: 'SEAT_UNAVAILABLE', detail: 'd' });
    expect(sent).toHaveLength(1);
  });

  test('no answer at all is NETWORK; an answer that is no problem document is UNEXPECTED', async () => {
    await expect(fakeApi([]).client.call({ path: '/concerts' })).rejects.toMatchObject({ code: 'NETWORK' });
    const html = new Response('<html>', { status: 502, statusText: 'Bad Gateway' });
    await expect(fakeApi([html]).client.call({ path: '/concerts' })).rejects.toMatchObject({ status: 502, code: 'UNEXPECTED' });
  });

  test('the line’s public status is asked with neither the JWT nor a queue token, so a CDN can share it', async () => {
    const { client, sent } = fakeApi([ok({ concertId: 'aurora live', servingThrough: 3 }), ok({ status: 'WAITING' })]);
    const fan = new FanApi(client);
    await fan.line('aurora live');
    expect(sent[0].url).toBe('/concerts/aurora%20live/line');
    expect(sent[0].headers).not.toHaveProperty('authorization');
    expect(sent[0].headers).not.toHaveProperty('x-queue-token');
    // The token's own status still carries both.
    await fan.placeInLine('q');
    expect(sent[1].headers).toMatchObject({ authorization: 'Bearer jwt-1', 'x-queue-token': 'q' });
  });

  describe('the admission pass', () => {
    const now = Date.parse('2030-05-01T12:00:00Z');
    const admitted = (expiresAt: string) =>
      ok({ status: 'ACTIVE', pollAfterSeconds: 2, admissionPass: 'v1.pass', admissionPassExpiresAt: expiresAt });

    test('an ACTIVE answer’s pass is sent beside the same queue token', async () => {
      const { client, sent } = fakeApi([admitted('2030-05-01T12:05:00Z'), ok({ dates: [] })], () => now);
      const fan = new FanApi(client);
      await fan.placeInLine('q');
      await fan.dates('c', 'q');
      expect(sent[1].headers).toMatchObject({ 'x-queue-token': 'q', 'x-admission-pass': 'v1.pass' });
    });

    test('it is not sent with another queue token', async () => {
      const { client, sent } = fakeApi([admitted('2030-05-01T12:05:00Z'), ok({ dates: [] })], () => now);
      const fan = new FanApi(client);
      await fan.placeInLine('q');
      await fan.dates('c', 'other');
      expect(sent[1].headers).toMatchObject({ 'x-queue-token': 'other' });
      expect(sent[1].headers).not.toHaveProperty('x-admission-pass');
    });

    test('it is not sent when it expires within 5 seconds (the queue token still is)', async () => {
      const { client, sent } = fakeApi([admitted('2030-05-01T12:00:04.999Z'), ok({ dates: [] })], () => now);
      const fan = new FanApi(client);
      await fan.placeInLine('q');
      await fan.dates('c', 'q');
      expect(sent[1].headers).toMatchObject({ 'x-queue-token': 'q' });
      expect(sent[1].headers).not.toHaveProperty('x-admission-pass');
    });

    test('there is none before an ACTIVE answer', async () => {
      const { client, sent } = fakeApi([ok({ status: 'WAITING', pollAfterSeconds: 2 }), ok({ dates: [] })], () => now);
      const fan = new FanApi(client);
      await fan.placeInLine('q');
      await fan.dates('c', 'q');
      expect(sent[0].headers).not.toHaveProperty('x-admission-pass');
      expect(sent[1].headers).toMatchObject({ 'x-queue-token': 'q' });
      expect(sent[1].headers).not.toHaveProperty('x-admission-pass');
    });

    describe('is renewed by the fan’s own requests once half spent (a pass alone renews no slot)', () => {
      // The first pass lives 300 s, from 12:00:00 to 12:05:00; the renewal brings another.
      const renewed = () =>
        ok({ status: 'ACTIVE', pollAfterSeconds: 2, admissionPass: 'v2.pass', admissionPassExpiresAt: '2030-05-01T12:08:00Z' });
      const clock = () => {
        let t = now;
        return { now: () => t, at: (iso: string) => void (t = Date.parse(iso)) };
      };
      const paths = (sent: Sent[]) => sent.map((s) => s.url);

      test('at 40% of its life left, one GET /queue/tokens/current goes first and the request carries the new pass', async () => {
        const c = clock();
        const { client, sent } = fakeApi([admitted('2030-05-01T12:05:00Z'), renewed(), ok({ dates: [] })], c.now);
        const fan = new FanApi(client);
        await fan.placeInLine('q');
        c.at('2030-05-01T12:03:00Z'); // 120 s of 300 left
        await fan.dates('c', 'q');
        expect(paths(sent)).toEqual(['/queue/tokens/current', '/queue/tokens/current', '/concerts/c/dates']);
        expect(sent[1].headers).toMatchObject({ 'x-queue-token': 'q' });
        expect(sent[2].headers).toMatchObject({ 'x-queue-token': 'q', 'x-admission-pass': 'v2.pass' });
      });

      test('at 60% left, no extra call', async () => {
        const c = clock();
        const { client, sent } = fakeApi([admitted('2030-05-01T12:05:00Z'), ok({ dates: [] })], c.now);
        const fan = new FanApi(client);
        await fan.placeInLine('q');
        c.at('2030-05-01T12:02:00Z'); // 180 s of 300 left
        await fan.dates('c', 'q');
        expect(paths(sent)).toEqual(['/queue/tokens/current', '/concerts/c/dates']);
        expect(sent[1].headers).toMatchObject({ 'x-admission-pass': 'v1.pass' });
      });

      test('two requests at once share one renewal', async () => {
        const c = clock();
        const { client, sent } = fakeApi(
          [admitted('2030-05-01T12:05:00Z'), renewed(), ok({ dates: [] }), ok({ dates: [] })],
          c.now,
        );
        const fan = new FanApi(client);
        await fan.placeInLine('q');
        c.at('2030-05-01T12:03:00Z');
        await Promise.all([fan.dates('c', 'q'), fan.dates('d', 'q')]);
        expect(paths(sent).filter((p) => p === '/queue/tokens/current')).toHaveLength(2); // the first, and one renewal
        expect(paths(sent).slice(2).sort()).toEqual(['/concerts/c/dates', '/concerts/d/dates']);
        expect(sent.slice(2).map((s) => s.headers['x-admission-pass'])).toEqual(['v2.pass', 'v2.pass']);
      });

      test('a failed renewal still sends the request, without the pass, so the API reads (and renews) the token', async () => {
        const c = clock();
        const { client, sent } = fakeApi(
          [admitted('2030-05-01T12:05:00Z'), problem(410, 'TOKEN_EXPIRED'), ok({ dates: [] }), renewed(), ok({ dates: [] })],
          c.now,
        );
        const fan = new FanApi(client);
        await fan.placeInLine('q');
        c.at('2030-05-01T12:03:00Z'); // the old pass is still well outside the margin
        await expect(fan.dates('c', 'q')).resolves.toEqual([]);
        expect(paths(sent)).toEqual(['/queue/tokens/current', '/queue/tokens/current', '/concerts/c/dates']);
        expect(sent[2].headers).toMatchObject({ 'x-queue-token': 'q' });
        expect(sent[2].headers).not.toHaveProperty('x-admission-pass');
        // The next request tries the renewal again.
        await fan.dates('c', 'q');
        expect(paths(sent).slice(3)).toEqual(['/queue/tokens/current', '/concerts/c/dates']);
        expect(sent[4].headers).toMatchObject({ 'x-admission-pass': 'v2.pass' });
      });

      test('an answer without a pass ends the old one: no renewal after that', async () => {
        const c = clock();
        const { client, sent } = fakeApi(
          [admitted('2030-05-01T12:05:00Z'), ok({ status: 'CLOSED', pollAfterSeconds: 2 }), ok({ dates: [] }), ok({ dates: [] })],
          c.now,
        );
        const fan = new FanApi(client);
        await fan.placeInLine('q');
        c.at('2030-05-01T12:03:00Z');
        await fan.dates('c', 'q');
        await fan.dates('c', 'q');
        expect(paths(sent)).toEqual(['/queue/tokens/current', '/queue/tokens/current', '/concerts/c/dates', '/concerts/c/dates']);
        expect(sent[3].headers).not.toHaveProperty('x-admission-pass');
      });
    });
  });

  test('retries back off from Retry-After, doubling up to a cap, with up to as much again at random', () => {
    expect(backoffMs(1000, 0, 0)).toBe(1000);
    expect(backoffMs(1000, 1, 0)).toBe(2000);
    expect(backoffMs(1000, 2, 0.5)).toBe(6000);
    expect(backoffMs(1000, 20, 0)).toBe(RETRY_WAIT_CAP_MS);
    expect(backoffMs(10_000, 3, 0)).toBe(10_000);
    expect(backoffMs(1000, 0, 5)).toBe(2000);
    expect(backoffMs(1000, 0, -1)).toBe(1000);
  });

  test('Retry-After is read as seconds, within 1 and 10', () => {
    expect(retryAfterMs('1')).toBe(1000);
    expect(retryAfterMs(null)).toBe(1000);
    expect(retryAfterMs('0')).toBe(1000);
    expect(retryAfterMs('120')).toBe(10_000);
    expect(retryAfterMs('soon')).toBe(1000);
  });
});
