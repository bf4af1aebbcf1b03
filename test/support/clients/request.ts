import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { App } from '../../../src/app.js';
import type { ErrorCode, Problem } from '../../../src/shared/errors.js';
import { testPlatformToken } from '../app.js';

/*
 * Typed test clients: one module per domain (test/support/clients/<domain>.ts, as in src/),
 * each route one function `(app, caller, accountId?, …) => Promise<Answer<Body>>`, its body
 * typed from the service's own view type. Tests call these for what a client of the API does;
 * raw `app.inject` stays where the wire itself is the subject (cookies, CSRF, headers, limits).
 */

/** Whoever sends a request: a signed-in session, the platform, an API key (anything with headers). */
export interface Caller {
  headers: Record<string, string>;
}

/** Nobody signed in. */
export const anonymous: Caller = { headers: {} };

/** The platform token, as a caller. */
export const platform: Caller = { headers: { authorization: `Bearer ${testPlatformToken}` } };

/** An API key, as a caller. */
export const bearer = (key: string): Caller => ({ headers: { authorization: `Bearer ${key}` } });

/** A value as it crosses JSON: dates become ISO strings. */
export type Wire<T> = T extends Date
  ? string
  : T extends readonly (infer Item)[]
    ? Wire<Item>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** A page of a list route. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Answer<T> {
  status: number;
  /** The parsed JSON body: the success type on 2xx (undefined for an empty or non-JSON one), a problem otherwise. */
  body: T;
  /** The problem+json body of a refusal (RFC 9457); undefined on success. */
  problem: Problem | undefined;
  /** Its `code`, the field most tests assert. */
  code: ErrorCode | undefined;
  response: LightMyRequestResponse;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Query parameters: plain values, the undefined ones left out. */
export type Query = Record<string, string | number | boolean | undefined>;

/** `?a=1&b=x` from the defined entries of `query` ('' when none). */
export function queryString<Q extends { [K in keyof Q]: Query[string] }>(query: Q): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query as Query))
    if (value !== undefined) params.append(name, String(value));
  return params.size === 0 ? '' : `?${params.toString()}`;
}

/** One request through `app.inject`, its JSON body parsed (typed by the caller of this function). */
export async function send<T>(
  app: App,
  caller: Caller,
  method: Method,
  url: string,
  payload?: InjectOptions['payload'],
): Promise<Answer<T>> {
  const response = await app.inject({ method, url, headers: caller.headers, payload });
  const json =
    /^application\/(problem\+)?json/.test(String(response.headers['content-type'] ?? '')) && response.body !== '';
  const body: unknown = json ? response.json() : undefined;
  const problem = response.statusCode >= 400 ? (body as Problem | undefined) : undefined;
  return { status: response.statusCode, body: body as T, problem, code: problem?.code, response };
}

/** `/v1/accounts/{accountId}` + path. */
export const accountUrl = (accountId: string, path = '') => `/v1/accounts/${accountId}${path}`;
