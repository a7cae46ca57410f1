import { describe, expect, test } from 'vitest';
import { ApiClient, ApiProblem, backoffMs, resendable, retryAfterMs, RETRY_WAIT_CAP_MS } from '../src/api/client';
import { FanApi } from '../src/api/fan';
import { SessionStore } from '../src/auth/session';
import { problemMessage } from '../src/i18n/problems';

interface Sent {
  url: string;
  headers: Record<string, string>;
  body?: string;
}

function fakeApi(answers: Response[], now?: () => number, options: Partial<ConstructorParameters<typeof ApiClient>[0]> = {}) {
  const sent: Sent[] = [];
  const slept: number[] = [];
  const client = new ApiClient({
    base: '',
    bearer: () => 'jwt-1',
    ...options,
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
/** What a call that must fail threw, typed for the checks (an ApiProblem, or the test fails). */
async function failure(call: Promise<unknown>): Promise<ApiProblem> {
  const e = await call.then(
    (r) => expect.fail(`expected a failure, got ${JSON.stringify(r)}`),
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ApiProblem);
  return e as ApiProblem;
}
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

  test('no answer at all is NETWORK; an answer that is no problem document, of no status the app knows, is UNEXPECTED', async () => {
    await expect(fakeApi([]).client.call({ path: '/concerts' })).rejects.toMatchObject({ code: 'NETWORK' });
    const teapot = new Response('<html>', { status: 418, statusText: "I'm a teapot" });
    await expect(fakeApi([teapot]).client.call({ path: '/concerts' })).rejects.toMatchObject({ status: 418, code: 'UNEXPECTED' });
  });

  test('a success whose body is not JSON is an UNEXPECTED problem, not a SyntaxError', async () => {
    const e = await fakeApi([new Response('<html>', { status: 200 })]).client.call({ path: '/concerts' }).catch((x) => x);
    expect(e).toBeInstanceOf(ApiProblem);
    expect(e).toMatchObject({ status: 200, code: 'UNEXPECTED' });
  });

  describe('API Gateway’s own answers (no problem document)', () => {
    const gateway = (status: number, message: string, headers: Record<string, string> = {}) =>
      new Response(JSON.stringify({ message }), { status, headers: { 'content-type': 'application/json', ...headers } });

    // The app's wiring (main.ts): a 401 that ends the sign-in clears the session and goes to sign-in.
    function signedInApp(answers: Response[]) {
      const saved = new Map<string, string>();
      const storage = {
        getItem: (k: string) => saved.get(k) ?? null,
        setItem: (k: string, v: string) => void saved.set(k, v),
        removeItem: (k: string) => void saved.delete(k),
      } as unknown as Storage;
      const sessions = new SessionStore(storage);
      const payload = btoa(JSON.stringify({ sub: 'fan-1', exp: Math.floor(Date.now() / 1000) + 3600 }));
      sessions.signIn(`h.${payload.replace(/=+$/, '')}.s`);
      const signedOut: ApiProblem[] = [];
      const went: string[] = [];
      const api = fakeApi(answers, undefined, {
        bearer: () => sessions.get()?.token ?? null,
        onSignedOut: (p) => {
          sessions.clear();
          signedOut.push(p);
          went.push('/sign-in');
        },
      });
      return { ...api, sessions, saved, signedOut, went };
    }

    test('401 {"message":"Unauthorized"} (the JWT authorizer) signs out: AUTH_INVALID, session cleared, sent to sign in', async () => {
      const app = signedInApp([gateway(401, 'Unauthorized')]);
      expect(app.sessions.get()?.userId).toBe('fan-1');
      const e = await failure(app.client.call({ path: '/users/fan-1/balance' }));
      expect(e).toBeInstanceOf(ApiProblem);
      expect(e).toMatchObject({ status: 401, code: 'AUTH_INVALID', detail: 'Unauthorized' });
      expect(app.signedOut).toEqual([e]);
      expect(app.went).toEqual(['/sign-in']);
      expect(app.sessions.get()).toBeNull();
      expect(app.saved.size).toBe(0); // gone from sessionStorage too
      expect(app.sent).toHaveLength(1); // a 401 is not retried
      expect(problemMessage(e.code, 'en')).toBe('Your sign-in has expired or is not valid. Please sign in again.');
    });

    test.each([
      ['a body that is not JSON', () => new Response('Unauthorized', { status: 401, statusText: 'Unauthorized' })],
      ['no body', () => new Response(null, { status: 401 })],
      ['JSON that is no problem', () => new Response('[]', { status: 401 })],
      ['the service’s AUTH_INVALID', () => problem(401, 'AUTH_INVALID')],
      ['the service’s AUTH_MISSING', () => problem(401, 'AUTH_MISSING')],
    ])('401 with %s signs out too', async (_, answer) => {
      const app = signedInApp([answer()]);
      const e = await failure(app.client.call({ path: '/concerts/c/dates', queueToken: 'q' }));
      expect(e.code).toMatch(/^AUTH_(INVALID|MISSING)$/);
      expect(app.signedOut).toHaveLength(1);
      expect(app.sessions.get()).toBeNull();
    });

    test.each(['TOKEN_INVALID', 'TOKEN_MISSING'])('401 %s is about the queue token: the sign-in stays', async (code) => {
      const app = signedInApp([problem(401, code)]);
      await expect(app.client.call({ path: '/concerts/c/dates', queueToken: 'q' })).rejects.toMatchObject({ status: 401, code });
      expect(app.signedOut).toEqual([]);
      expect(app.sessions.get()?.userId).toBe('fan-1');
    });

    test('429 {"message":"Too Many Requests"} is retried with the same request and key, backing off from 1 s, then succeeds', async () => {
      const { client, sent, slept } = fakeApi([
        gateway(429, 'Too Many Requests'),
        gateway(429, 'Too Many Requests'),
        ok({ paymentId: 'p' }, 201),
      ]);
      const r = await client.call<{ paymentId: string }>({
        method: 'POST',
        path: '/payments',
        body: { reservationIds: ['r'] },
        queueToken: 'q',
        idempotencyKey: 'pay-1',
      });
      expect(r.paymentId).toBe('p');
      expect(sent).toHaveLength(3);
      expect(sent.map((s) => s.headers['idempotency-key'])).toEqual(['pay-1', 'pay-1', 'pay-1']);
      expect(sent.map((s) => s.body)).toEqual(Array(3).fill(JSON.stringify({ reservationIds: ['r'] })));
      expect(slept).toEqual([1000, 2000]); // no Retry-After: 1 s, doubled (random 0: no jitter)
    });

    test('a 429’s Retry-After is honoured, and a keyed charge is retried', async () => {
      const { client, sent, slept } = fakeApi([problem(429, 'THROTTLED', { 'retry-after': '3' }), ok({ balance: 500 })]);
      const r = await client.call<{ balance: number }>({ method: 'POST', path: '/users/u/balance/charges', body: { amount: 500 }, idempotencyKey: 'k' });
      expect(r.balance).toBe(500);
      expect(sent.map((s) => s.headers['idempotency-key'])).toEqual(['k', 'k']);
      expect(slept).toEqual([3000]);
    });

    test('a 429 that persists is given up as THROTTLED after a few retries, with its sentence', async () => {
      const { client, sent } = fakeApi(Array.from({ length: 5 }, () => gateway(429, 'Too Many Requests')));
      const e = await failure(client.call({ path: '/concerts' }));
      expect(e).toMatchObject({ status: 429, code: 'THROTTLED', detail: 'Too Many Requests' });
      expect(sent).toHaveLength(4);
      expect(problemMessage(e.code, 'ko')).toMatch(/[가-힣]/);
    });

    test.each([
      ['429 (any body)', () => gateway(429, 'Too Many Requests'), 'THROTTLED'],
      ['429 with no body', () => new Response(null, { status: 429 }), 'THROTTLED'],
      ['503 CHARGE_OUTCOME_UNKNOWN', () => problem(503, 'CHARGE_OUTCOME_UNKNOWN', { 'retry-after': '1' }), 'CHARGE_OUTCOME_UNKNOWN'],
      ['503 from API Gateway', () => gateway(503, 'Service Unavailable'), 'UNAVAILABLE'],
    ])('a charge without an Idempotency-Key is never sent twice: %s', async (_, answer, code) => {
      const { client, sent, slept } = fakeApi([answer(), ok({ balance: 500 })]);
      await expect(client.call({ method: 'POST', path: '/users/u/balance/charges', body: { amount: 500 } })).rejects.toMatchObject({ code });
      expect(sent).toHaveLength(1);
      expect(slept).toEqual([]);
    });

    test('503 {"message":"Service Unavailable"} is retried like the service’s 503, then given up as UNAVAILABLE', async () => {
      const { client, sent } = fakeApi(Array.from({ length: 4 }, () => gateway(503, 'Service Unavailable')));
      await expect(client.call({ path: '/concerts' })).rejects.toMatchObject({ status: 503, code: 'UNAVAILABLE', detail: 'Service Unavailable' });
      expect(sent).toHaveLength(4);
    });

    test('504 {"message":"Endpoint request timed out"} is TIMEOUT, not resent (the request may have been done)', async () => {
      const { client, sent } = fakeApi([gateway(504, 'Endpoint request timed out'), ok({})]);
      const e = await failure(client.call({ method: 'POST', path: '/reservations', body: {}, queueToken: 'q' }));
      expect(e).toMatchObject({ status: 504, code: 'TIMEOUT', detail: 'Endpoint request timed out' });
      expect(sent).toHaveLength(1);
      expect(problemMessage(e.code, 'en')).toMatch(/took too long/);
    });

    test('413 {"message":"Request Entity Too Large"} is PAYLOAD_TOO_LARGE; 500 {"message":"Internal Server Error"} is INTERNAL', async () => {
      await expect(fakeApi([gateway(413, 'Request Entity Too Large')]).client.call({ method: 'PUT', path: '/operator/concerts/c', body: {} }))
        .rejects.toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
      await expect(fakeApi([gateway(500, 'Internal Server Error')]).client.call({ path: '/concerts' }))
        .rejects.toMatchObject({ status: 500, code: 'INTERNAL' });
    });

    test('a 502 whose body is not JSON is a clear UNAVAILABLE problem with a translated sentence, not retried', async () => {
      const html = new Response('<html><body>502 Bad Gateway</body></html>', {
        status: 502,
        statusText: 'Bad Gateway',
        headers: { 'content-type': 'text/html' },
      });
      const { client, sent } = fakeApi([html, ok({})]);
      const e = await failure(client.call({ path: '/concerts' }));
      expect(e).toBeInstanceOf(ApiProblem);
      expect(e).toMatchObject({ status: 502, code: 'UNAVAILABLE', detail: 'Bad Gateway' });
      expect(e.message).toBe('502 UNAVAILABLE: Bad Gateway');
      expect(sent).toHaveLength(1);
      expect(problemMessage(e.code, 'en')).toBe('The service cannot answer right now. Please try again in a moment.');
      expect(problemMessage(e.code, 'ko')).toMatch(/[가-힣]/);
      // With no status text either, the detail still says what came.
      const bare = await fakeApi([new Response('oops', { status: 502 })]).client.call({ path: '/concerts' }).catch((x) => x);
      expect(bare).toMatchObject({ status: 502, code: 'UNAVAILABLE', detail: 'the answer is not a problem document' });
    });
  });

  test('only a charge without an Idempotency-Key is not resendable', () => {
    expect(resendable({ method: 'POST', path: '/users/u/balance/charges' })).toBe(false);
    expect(resendable({ method: 'POST', path: '/users/u%20v/balance/charges' })).toBe(false);
    expect(resendable({ method: 'POST', path: '/users/u/balance/charges', idempotencyKey: 'k' })).toBe(true);
    expect(resendable({ path: '/users/u/balance' })).toBe(true);
    expect(resendable({ method: 'POST', path: '/payments' })).toBe(true); // repeating answers the same payment
    expect(resendable({ method: 'POST', path: '/reservations' })).toBe(true);
    expect(resendable({ method: 'POST', path: '/reservations/r/refund' })).toBe(true);
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

  test('seats held together: the request as built, the same headers as a single hold, the reservations back', async () => {
    const r = (seatNumber: number) => ({ reservationId: `r-${seatNumber}`, status: 'HELD', concertId: 'c', date: '2026-12-24', seatNumber, price: 1, expiresAt: 'x' });
    const { client, sent, slept } = fakeApi([problem(503, 'CONTENTION', { 'retry-after': '1' }), ok({ reservations: [r(14), r(15)] }, 201), ok(r(7), 201)]);
    const fan = new FanApi(client);
    const held = await fan.holdTogether({ concertId: 'c', date: '2026-12-24', bestAvailable: { count: 2 } }, 'q');
    expect(held.map((x) => x.seatNumber)).toEqual([14, 15]);
    // A 503 is retried with the very same request.
    expect(slept).toEqual([1000]);
    expect(sent.map((s) => [s.url, JSON.parse(s.body!)])).toEqual([
      ['/reservations', { concertId: 'c', date: '2026-12-24', bestAvailable: { count: 2 } }],
      ['/reservations', { concertId: 'c', date: '2026-12-24', bestAvailable: { count: 2 } }],
    ]);
    expect(sent[1].headers).toMatchObject({ authorization: 'Bearer jwt-1', 'x-queue-token': 'q' });
    // A single seat's answer (one Reservation) reads as one hold.
    expect((await fan.holdTogether({ concertId: 'c', date: '2026-12-24', seatNumbers: [7] }, 'q')).map((x) => x.seatNumber)).toEqual([7]);
  });

  test('no seats side by side comes back with its code, not retried', async () => {
    const { client, sent } = fakeApi([problem(409, 'NO_SEATS_TOGETHER')]);
    const e = await failure(new FanApi(client).holdTogether({ concertId: 'c', date: '2026-12-24', bestAvailable: { count: 4 } }, 'q'));
    expect(e.code).toBe('NO_SEATS_TOGETHER');
    expect(sent).toHaveLength(1);
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
