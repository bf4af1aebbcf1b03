import type { FastifyRequest } from 'fastify';
import { type LoggerOptions, pino } from 'pino';
import type { Config } from '../config/config.js';
import { isSecretField } from '../shared/secret-fields.js';
import { escapeControlCharacters } from '../shared/text.js';

const censor = '[redacted]';
/** Deep enough for any shape we log; below this, values are written as they are. */
const maxDepth = 8;

/**
 * An error as pino writes it (type, message with causes, stack, own properties), as a plain
 * object.
 */
const plainError = (error: Error): Record<string, unknown> => ({ ...pino.stdSerializers.err(error) });

/**
 * A copy of `value` with every property named like a secret censored, at any depth; objects
 * without one are returned as they are (copied only on write). Errors become the plain
 * objects pino makes of them, so that their own properties are censored too. Instances of
 * other classes (Dates, Buffers, Fastify's request and reply) are left to their serializers.
 *
 * Why not pino's `redact`: it matches fixed paths, so covering "a secret anywhere in a
 * logged object" takes dozens of wildcard paths, which it walks for every child logger's
 * bindings (so every request pays, even with logging off) and every line. This runs only on
 * lines actually written and walks only the (small) object logged (figures in
 * bench/README.md).
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > maxDepth) return value;
  if (value instanceof Error) return redactSecrets(plainError(value), depth);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, index) => {
      const redacted = redactSecrets(item, depth + 1);
      if (redacted !== item) (copy ??= [...(value as unknown[])])[index] = redacted;
    });
    return copy ?? value;
  }
  // Plain objects, and pino's serialized errors (whose prototype is a plain object).
  if (Object.getPrototypeOf(value) !== null && (value as { constructor?: unknown }).constructor !== Object)
    return value;
  return redactProperties(value as Record<string, unknown>, depth);
}

/**
 * `object` with its secret-named properties censored and the others redacted in turn, except
 * `skip`ped keys.
 */
function redactProperties(
  object: Record<string, unknown>,
  depth: number,
  skip?: ReadonlySet<string>,
): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(object)) {
    if (skip?.has(key)) continue;
    const redacted = isSecretField(key, item) ? censor : redactSecrets(item, depth + 1);
    if (redacted !== item) (copy ??= { ...object })[key] = redacted;
  }
  return copy ?? object;
}

/**
 * Top-level keys a serializer makes safe: Fastify's `req` and `res`, and `err` (censored by
 * its serializer).
 */
const serializedKeys: ReadonlySet<string> = new Set(['req', 'res', 'err']);

/** Escapes control characters so that a crafted URL or header cannot start a fake log line. */
export const neutraliseControlCharacters = escapeControlCharacters;

export function loggerOptions(config: Config): LoggerOptions {
  return {
    level: config.logLevel,
    formatters: {
      // Runs before the serializers, so the keys they handle are left to them.
      log: (object) => redactProperties(object, 0, serializedKeys),
    },
    serializers: {
      err: (error: unknown) => redactSecrets(error),
      req(req: FastifyRequest) {
        const path = req.url.split('?')[0] ?? '';
        return {
          method: req.method,
          // The query string can carry secrets a careless client sent; keep only the path.
          url: neutraliseControlCharacters(path),
          ip: req.ip,
          userAgent: neutraliseControlCharacters(String(req.headers['user-agent'] ?? '')),
        };
      },
    },
    ...(config.logPretty
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } }
      : {}),
  };
}
