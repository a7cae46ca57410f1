// The one way the app talks to the API: JSON in and out, the caller's JWT, the queue token
// and an Idempotency-Key when given, and every failure turned into an ApiProblem that
// carries the API's stable `code`. A 503 (CONTENTION, THROTTLED, SERVICE_UNAVAILABLE,
// CHARGE_OUTCOME_UNKNOWN) is retried after its Retry-After with the very same request and
// key, a few times, before it is given up to the screen.

import type { ProblemBody } from './types';

/** Codes the app itself uses for failures that never reached the API's answer. */
export const CLIENT_CODES = ['NETWORK', 'UNEXPECTED'] as const;

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
  /** Told of 401 AUTH_MISSING / AUTH_INVALID: the sign-in is gone. */
  onSignedOut?: (problem: ApiProblem) => void;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Retries of a 503 before giving up (the first try not counted). */
  retries503?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Seconds from a Retry-After header (delta-seconds), at least 1 and at most 10. */
export function retryAfterMs(header: string | null): number {
  const seconds = Number.parseInt(header ?? '', 10);
  return Math.min(Math.max(Number.isFinite(seconds) ? seconds : 1, 1), 10) * 1000;
}

export class ApiClient {
  private readonly doFetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: ClientOptions) {
    this.doFetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.sleep = options.sleep ?? defaultSleep;
  }

  async call<T>(req: Request): Promise<T> {
    const retries = this.options.retries503 ?? 3;
    for (let attempt = 0; ; attempt++) {
      const resp = await this.send(req);
      if (resp.ok) {
        const text = await resp.text();
        return (text ? JSON.parse(text) : undefined) as T;
      }
      const problem = await toProblem(resp);
      if (resp.status === 503 && attempt < retries) {
        await this.sleep(retryAfterMs(resp.headers.get('retry-after')));
        continue;
      }
      if (problem.status === 401 && problem.code.startsWith('AUTH_')) this.options.onSignedOut?.(problem);
      throw problem;
    }
  }

  private async send(req: Request): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    if (req.signedIn !== false) {
      const jwt = this.options.bearer();
      if (jwt) headers.authorization = `Bearer ${jwt}`;
    }
    if (req.queueToken) headers['x-queue-token'] = req.queueToken;
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
}

async function toProblem(resp: Response): Promise<ApiProblem> {
  try {
    const body = (await resp.json()) as Partial<ProblemBody>;
    if (typeof body.code === 'string') return new ApiProblem(resp.status, body.code, body.detail ?? '');
  } catch {
    // not a problem document: fall through
  }
  return new ApiProblem(resp.status, 'UNEXPECTED', resp.statusText);
}
