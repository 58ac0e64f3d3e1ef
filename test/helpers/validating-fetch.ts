/**
 * A fetch for the project's OpenADR client (OpenAdrClient's `fetch` option) that sends each
 * request for real and checks the exchange against the OpenADR 3.1.0 spec with the same
 * validator as the VTN tests (openadr-validator.ts). What does not conform is collected, so a test
 * can assert that a VEN or an aggregator spoke only the spec's language.
 */
import { checkExchange } from './openadr-validator.ts';

/** Exchanges seen and what the validator found wrong with them. */
export interface ExchangeLog {
  /** `METHOD path status` of every exchange, in order. */
  seen: string[];
  /** One line per problem: the exchange and the validator's message. */
  problems: string[];
}

function parseBody(text: string | undefined, contentType: string | undefined): unknown {
  if (text === undefined || text.length === 0) return undefined;
  if (contentType?.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A fetch that validates every exchange under one of `baseUrls` (VTN URLs with their prefix). */
export function validatingFetch(baseUrls: string[], log: ExchangeLog): typeof fetch {
  return async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const res = await fetch(input, init);
    const base = baseUrls.find((b) => url.startsWith(b.replace(/\/+$/, '')));
    if (!base) return res;
    const path = url.slice(base.replace(/\/+$/, '').length);
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    const method = init?.method ?? 'GET';
    const text = await res.clone().text();
    const contentType = res.headers.get('content-type') ?? undefined;
    const check = await checkExchange(
      { method, url: path, headers, body: parseBody(typeof init?.body === 'string' ? init.body : undefined, headers['content-type']) },
      { status: res.status, contentType, body: parseBody(text, contentType) },
    );
    const line = `${method} ${path.split('?')[0]} ${res.status}`;
    log.seen.push(line);
    for (const e of [...check.requestErrors.map((x) => `request: ${x}`), ...check.responseErrors.map((x) => `response: ${x}`)]) log.problems.push(`${line}: ${e}`);
    return res;
  };
}
