import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import FindMyWay from 'find-my-way';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { AppError } from '../shared/app-error.js';
import { conflictOf } from '../shared/constraint-errors.js';
import { type ErrorCode, errorCatalog, type FieldError, type Problem, problemTypeBase } from '../shared/errors.js';
import { fieldErrors } from './validation.js';

/** Builds the RFC 9457 body for `code`; the single place where errors take their wire shape. */
export function problem(code: ErrorCode, requestId: string, detail?: string, errors?: FieldError[]): Problem {
  const { status, title } = errorCatalog[code];
  return {
    type: problemTypeBase + code,
    title,
    status,
    code,
    ...(detail !== undefined ? { detail } : {}),
    requestId,
    ...(errors?.length ? { errors } : {}),
  };
}

export function sendProblem(reply: FastifyReply, body: Problem, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(body.status).headers(headers).type('application/problem+json; charset=utf-8').send(body);
}

/** Fastify's own errors (parsing, validation, limits), translated into our closed set. */
function translateFrameworkError(
  error: FastifyError,
): { code: ErrorCode; detail?: string; errors?: FieldError[] } | undefined {
  if (error.validation) {
    return {
      code: 'request.invalid',
      detail: 'Some fields are invalid',
      errors: fieldErrors(error.validation as never, error.validationContext ?? 'body'),
    };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { code: 'request.malformed_json' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: 'request.malformed_json', detail: 'The JSON body is empty' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'request.body_too_large' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return error.statusCode === 415 ? { code: 'request.unsupported_media_type' } : { code: 'request.invalid' };
    default:
      break;
  }
  if (error instanceof SyntaxError && error.statusCode === 400) return { code: 'request.malformed_json' };
  if (error.statusCode === 413) return { code: 'request.body_too_large' };
  if (error.statusCode === 415) return { code: 'request.unsupported_media_type' };
  if (error.statusCode === 429) return { code: 'request.rate_limited' };
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return { code: 'request.invalid', detail: error.message };
  }
  return undefined;
}

/** A PostgreSQL restart takes a few seconds; clients that honour Retry-After come back then. */
const databaseRetryAfterSeconds = 2;

const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * Installs the error and not-found handlers. Must run before routes are registered, since it
 * records every route's path to tell "no such route" (404) from "wrong method" (405). The
 * refusal hook is required: a forgotten one would silently drop refusals from the security log.
 */
export function installProblemHandlers(
  app: FastifyInstance,
  hooks: {
    onRefusal: (request: FastifyRequest, error: AppError) => void;
    /**
     * Answers a miss with a page instead (the dashboard's history routing); undefined when it
     * does not.
     */
    notFoundPage?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined;
  },
): void {
  const knownRoutes = FindMyWay({ ignoreTrailingSlash: false });
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      try {
        knownRoutes.on(method as never, route.url, () => {});
      } catch {
        // The same path and method registered twice (HEAD beside GET): already known.
      }
    }
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = methods.filter((method) => knownRoutes.find(method as never, path) !== null);
    if (allowed.length > 0) {
      return sendProblem(reply, problem('request.method_not_allowed', request.id, `Use ${allowed.join(', ')}`), {
        allow: allowed.join(', '),
      });
    }
    return hooks.notFoundPage?.(request, reply) ?? sendProblem(reply, problem('request.not_found', request.id));
  });

  app.setErrorHandler((thrown: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    // A write that lost a race to a unique index answers the 409 its rule stands for.
    const error = conflictOf(thrown) ?? thrown;
    if (error instanceof AppError) {
      if (error.status >= 500) request.log.error({ err: error }, 'request failed');
      if ([401, 403, 409, 429].includes(error.status)) hooks.onRefusal(request, error);
      return sendProblem(
        reply,
        problem(error.code, request.id, error.detail, error.extras.errors),
        error.extras.headers,
      );
    }
    const translated = translateFrameworkError(error);
    if (translated) {
      return sendProblem(reply, problem(translated.code, request.id, translated.detail, translated.errors));
    }
    if (isDatabaseUnavailable(error)) {
      // Down or restarting: nothing the caller did wrong, and worth retrying shortly. The pool
      // reconnects on the next query, so the service recovers by itself when the database does.
      request.log.warn({ err: error }, 'database unavailable');
      return sendProblem(
        reply,
        problem('service.unavailable', request.id, 'The database is unavailable; retry shortly'),
        {
          'retry-after': String(databaseRetryAfterSeconds),
        },
      );
    }
    // A bug or a failing query: log everything, tell the caller nothing but the request id.
    request.log.error({ err: error }, 'unexpected error');
    return sendProblem(
      reply,
      problem('internal.error', request.id, `Something went wrong; quote request id ${request.id} when reporting it`),
    );
  });
}
