// The one way the app talks to the API: JSON in and out, the caller's JWT, the queue token
// and an Idempotency-Key when given, and every failure turned into an ApiProblem that
// carries the API's stable `code`. A 503 (CONTENTION, THROTTLED, SERVICE_UNAVAILABLE,
// CHARGE_OUTCOME_UNKNOWN) or a 429 (API Gateway's throttling) is retried after its
// Retry-After with the very same request and key, a few times, before it is given up to the
// screen; a charge without an Idempotency-Key is never sent twice. An admitted fan's
// admission pass (from GET /queue/tokens/current) rides along with their queue token, see
// `passFor`.
//
// Not every answer comes from the service: on AWS, API Gateway answers some requests itself,
// before any function runs, with `{"message": ...}` bodies (401 from its JWT authorizer, 429
// and 503 from throttling, 413 over the payload limit, 504 on an integration timeout), and a
// proxy on the way may answer with an HTML page. Those get a code by their status
// (`codeForStatus`), so a screen shows a translated sentence, and a 401 of theirs signs out
// like the service's AUTH_MISSING / AUTH_INVALID.

import type { TokenStatus } from './types';

/**
 * Codes the app itself uses for failures that never reached the API's answer: no answer
 * (NETWORK), an answer that is no problem document from a server that could not answer
 * (UNAVAILABLE: 502, 503) or not in time (TIMEOUT: 504), or anything else (UNEXPECTED).
 */
export const CLIENT_CODES = ['NETWORK', 'UNEXPECTED', 'UNAVAILABLE', 'TIMEOUT'] as const;

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string = '',
  ) {
    super(`${status} ${code}${detail ? `: ${detail}` : ''}`);
    this.name = 'ApiProblem';
  }
}

export interface Request {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  queueToken?: string;
  idempotencyKey?: string;
  /** Send the signed-in user's JWT (every route but the public ones). Default true. */
  signedIn?: boolean;
}

export interface ClientOptions {
  /** '' for the same origin (locally, and behind CloudFront on AWS). */
  base: string;
  bearer: () => string | null;
  /**
   * Told of 401 AUTH_MISSING / AUTH_INVALID, and of any 401 that is no problem document (API
   * Gateway's `{"message":"Unauthorized"}`, read as AUTH_INVALID): the sign-in is gone. Not of
   * 401 TOKEN_MISSING / TOKEN_INVALID, which are about the queue token.
   */
  onSignedOut?: (problem: ApiProblem) => void;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Retries of a 503 or a 429 before giving up (the first try not counted). Default 3. */
  retries?: number;
  /** A share in [0, 1) for the retries' jitter. Default Math.random. */
  random?: () => number;
  /** The time in epoch ms, for the admission pass's expiry. Default Date.now. */
  now?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Seconds from a Retry-After header (delta-seconds), at least 1 and at most 10. */
export function retryAfterMs(header: string | null): number {
  const seconds = Number.parseInt(header ?? '', 10);
  return Math.min(Math.max(Number.isFinite(seconds) ? seconds : 1, 1), 10) * 1000;
}

/** The longest wait before a retry, unless Retry-After asks for longer. */
export const RETRY_WAIT_CAP_MS = 8000;

/**
 * How long to wait before retry `attempt` (0-based) of a 503 or a 429: its Retry-After (1 s
 * when there is none, as from API Gateway's throttling), doubled at each further retry up to
 * RETRY_WAIT_CAP_MS, plus up to as much again at random (`random` in [0, 1)). Never sooner
 * than the service asked, and a crowd refused together does not come back together.
 */
export function backoffMs(retryAfter: number, attempt: number, random: number): number {
  const floor = Math.min(retryAfter * 2 ** Math.min(attempt, 8), Math.max(RETRY_WAIT_CAP_MS, retryAfter));
  return Math.round(floor * (1 + Math.min(Math.max(random, 0), 1)));
}

/** A pass this close to its expiry is not sent: it could lapse on the way (the token still is). */
export const PASS_MARGIN_MS = 5000;

const CURRENT = '/queue/tokens/current';

interface AdmissionPass {
  value: string;
  expiresAt: number;
  /** `now()` when it came: its lifetime is expiresAt - receivedAt. */
  receivedAt: number;
}

export class ApiClient {
  private readonly doFetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  /** The latest admission pass per queue token. */
  private readonly passes = new Map<string, AdmissionPass>();
  /** The renewal in flight per queue token, shared by the requests that wait for it. */
  private readonly renewals = new Map<string, Promise<boolean>>();

  constructor(private readonly options: ClientOptions) {
    this.doFetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  async call<T>(req: Request): Promise<T> {
    const retries = this.options.retries ?? 3;
    const resend = resendable(req);
    // False when a renewal just failed: the pass is left off, so the API reads the token.
    const withPass = await this.renewIfHalfSpent(req);
    for (let attempt = 0; ; attempt++) {
      const resp = await this.send(req, withPass);
      if (resp.ok) {
        const body = await readBody(resp);
        this.rememberPass(req, body);
        return body as T;
      }
      const problem = await toProblem(resp);
      if (RETRIED_STATUSES.has(resp.status) && resend && attempt < retries) {
        await this.sleep(backoffMs(retryAfterMs(resp.headers.get('retry-after')), attempt, this.random()));
        continue;
      }
      if (signedOut(problem)) this.options.onSignedOut?.(problem);
      throw problem;
    }
  }

  private async send(req: Request, withPass: boolean): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    if (req.signedIn !== false) {
      const jwt = this.options.bearer();
      if (jwt) headers.authorization = `Bearer ${jwt}`;
    }
    if (req.queueToken) headers['x-queue-token'] = req.queueToken;
    const pass = withPass ? this.passFor(req.queueToken) : null;
    if (pass) headers['x-admission-pass'] = pass;
    if (req.idempotencyKey) headers['idempotency-key'] = req.idempotencyKey;
    try {
      return await this.doFetch(this.options.base + req.path, {
        method: req.method ?? 'GET',
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
      });
    } catch (e) {
      throw new ApiProblem(0, 'NETWORK', String(e));
    }
  }

  // The admission pass: the API checks it without a database read, so an admitted fan's
  // browsing costs no read. It goes beside the queue token (never instead of it): once the
  // pass has expired, the API reads the token. A new one comes with each ACTIVE answer of
  // GET /queue/tokens/current.

  private rememberPass(req: Request, body: unknown): void {
    if (req.path !== CURRENT || !req.queueToken) return;
    const { admissionPass, admissionPassExpiresAt } = (body ?? {}) as Partial<TokenStatus>;
    if (typeof admissionPass === 'string' && admissionPass) {
      const expiresAt = Date.parse(admissionPassExpiresAt ?? '');
      this.passes.set(req.queueToken, { value: admissionPass, expiresAt, receivedAt: this.now() });
    } else {
      // No longer ACTIVE: the old pass ends, and with it the renewals it would ask for.
      this.passes.delete(req.queueToken);
    }
  }

  // Browsing with a pass skips the API's read of the queue token, and only that read renews
  // the fan's slot: so a fan busy with passes alone would lose it. Once less than half of the
  // pass's life is left, the fan's next request first asks GET /queue/tokens/current (a read,
  // so a renewal, and a fresh pass). The fan's own activity renews, never a timer: an idle
  // fan must lose the slot.

  /** Renews first if this request's pass is half spent; false if that renewal failed. */
  private renewIfHalfSpent(req: Request): Promise<boolean> {
    const token = req.queueToken;
    const pass = token && req.path !== CURRENT ? this.passes.get(token) : undefined;
    // An unreadable expiry (NaN) fails the comparison: no renewal.
    const halfSpent = pass !== undefined && pass.expiresAt - this.now() < (pass.expiresAt - pass.receivedAt) / 2;
    if (!token || !halfSpent) return Promise.resolve(true);
    let renewal = this.renewals.get(token);
    if (!renewal) {
      renewal = this.call({ path: CURRENT, queueToken: token })
        .then(() => true, () => false)
        .finally(() => this.renewals.delete(token));
      this.renewals.set(token, renewal);
    }
    return renewal;
  }

  /** The pass to send with this queue token, unless there is none or it expires within the margin. */
  private passFor(queueToken: string | undefined): string | null {
    const pass = queueToken ? this.passes.get(queueToken) : undefined;
    // An unreadable expiry (NaN) fails the comparison: not sent.
    return pass && pass.expiresAt - this.now() >= PASS_MARGIN_MS ? pass.value : null;
  }
}

/** Statuses retried with the same request: the service's 503 and a throttle's 429 (any body). */
const RETRIED_STATUSES: ReadonlySet<number> = new Set([429, 503]);

const CHARGE = /^\/users\/[^/?]+\/balance\/charges(?:\?|$)/;

/**
 * Whether a request may be sent again as it was after a 503 or a 429: every one but a
 * charge without an Idempotency-Key, which could charge twice (the contract: read the
 * balance before charging again). Payments and refunds without a key are safe to repeat
 * (the contract answers the first outcome), and the app sends charges and payments with one.
 */
export function resendable(req: Pick<Request, 'method' | 'path' | 'idempotencyKey'>): boolean {
  return !(req.method === 'POST' && CHARGE.test(req.path) && !req.idempotencyKey);
}

/**
 * Whether a failure means the sign-in is gone: a 401 AUTH_MISSING or AUTH_INVALID (which is
 * also what any 401 that is no problem document is read as, see `codeForStatus`).
 */
export function signedOut(problem: ApiProblem): boolean {
  return problem.status === 401 && (problem.code === 'AUTH_MISSING' || problem.code === 'AUTH_INVALID');
}

/**
 * The code for an answer that is no problem document (API Gateway's `{"message": ...}`, an
 * HTML page from a proxy, an empty body), by its status.
 */
export function codeForStatus(status: number): string {
  switch (status) {
    case 401:
      return 'AUTH_INVALID'; // the JWT authorizer: missing, expired or not valid
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 429:
      return 'THROTTLED';
    case 500:
      return 'INTERNAL';
    case 502:
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'TIMEOUT'; // the integration timed out: the request may still have been done
    default:
      return 'UNEXPECTED';
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A success's JSON body (undefined if empty); a body that is not JSON is an UNEXPECTED problem. */
async function readBody(resp: Response): Promise<unknown> {
  const text = await resp.text().catch(() => '');
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiProblem(resp.status, 'UNEXPECTED', 'the answer is not JSON');
  }
}

async function toProblem(resp: Response): Promise<ApiProblem> {
  const text = await resp.text().catch(() => '');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined; // not JSON: an HTML error page, plain text
  }
  if (isObject(body) && typeof body.code === 'string') {
    return new ApiProblem(resp.status, body.code, typeof body.detail === 'string' ? body.detail : '');
  }
  // API Gateway's own answer ({"message":"Too Many Requests"}), or no JSON at all.
  const message = isObject(body) && typeof body.message === 'string' ? body.message : '';
  const detail = message || resp.statusText || (text ? 'the answer is not a problem document' : 'no body');
  return new ApiProblem(resp.status, codeForStatus(resp.status), detail);
}
