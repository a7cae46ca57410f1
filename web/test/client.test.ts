import { describe, expect, test } from 'vitest';
import { ApiClient, ApiProblem, retryAfterMs } from '../src/api/client';
import { FanApi } from '../src/api/fan';

interface Sent {
  url: string;
  headers: Record<string, string>;
  body?: string;
}

function fakeApi(answers: Response[]) {
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

  test('a 503 is retried after Retry-After with the same key, then succeeds', async () => {
    const { client, sent, slept } = fakeApi([
      problem(503, 'SERVICE_UNAVAILABLE', { 'retry-after': '1' }),
      problem(503, 'CONTENTION', { 'retry-after': '2' }),
      ok({ balance: 500 }),
    ]);
    const r = await client.call<{ balance: number }>({ method: 'POST', path: '/users/u/balance/charges', body: { amount: 500 }, idempotencyKey: 'k' });
    expect(r.balance).toBe(500);
    expect(sent.map((s) => s.headers['idempotency-key'])).toEqual(['k', 'k', 'k']);
    expect(slept).toEqual([1000, 2000]);
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

  test('Retry-After is read as seconds, within 1 and 10', () => {
    expect(retryAfterMs('1')).toBe(1000);
    expect(retryAfterMs(null)).toBe(1000);
    expect(retryAfterMs('0')).toBe(1000);
    expect(retryAfterMs('120')).toBe(10_000);
    expect(retryAfterMs('soon')).toBe(1000);
  });
});
