import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../shared/app-error.js';
import type { ErrorCode } from '../shared/errors.js';
import { problem, sendProblem } from './problems.js';

/**
 * The longest URL (path and query) served. Far beyond any URL of the API (ids, a cursor,
 * filters) and below Node's 16 KiB header limit, so that a long URL is named as such (414)
 * instead of being counted against the headers.
 */
export const maxUrlLength = 8192;

/**
 * Fastify's routing errors (a URL that does not decode, a path parameter past its limit),
 * answered as problem+json like every other error instead of Fastify's own JSON.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const code: ErrorCode =
    error.code === 'FST_ERR_BAD_URL'
      ? 'request.malformed_url'
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? 'request.uri_too_long'
        : 'request.invalid';
  void sendProblem(reply, problem(code, request.id));
}

/** Refuses a URL longer than maxUrlLength before anything else looks at it. */
export function refuseLongUrls(app: Pick<FastifyInstance, 'addHook'>): void {
  app.addHook('onRequest', async (request) => {
    if (request.raw.url && request.raw.url.length > maxUrlLength) {
      throw new AppError('request.uri_too_long', `The URL may be at most ${maxUrlLength} characters`);
    }
  });
}

/** Node's client errors carry the parser's code and the bytes read so far. */
type ParserError = Error & { code?: string; rawPacket?: unknown };

/** What Node's HTTP parser refused, as one of our codes. */
function codeOfClientError(error: ParserError): ErrorCode {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'request.timeout';
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    // The request line counts against the header limit too: a URL that alone fills it is a long URL.
    const packet = error.rawPacket;
    const lineEnd = Buffer.isBuffer(packet) ? packet.indexOf('\r\n') : -1;
    return lineEnd === -1 || lineEnd > maxUrlLength ? 'request.uri_too_long' : 'request.headers_too_large';
  }
  if (error.code === 'HPE_URI_TOO_LONG') return 'request.uri_too_long';
  return 'request.malformed';
}

/**
 * Answers what Node's HTTP parser refuses before Fastify sees a request (headers too large,
 * a request that is not HTTP, a request that took too long to arrive) with problem+json,
 * then closes the connection: after a parse error nothing more can be read from it.
 */
export function clientErrorHandler(this: { log: FastifyBaseLogger }, error: ParserError, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code = codeOfClientError(error);
  const requestId = randomUUID();
  const body = problem(code, requestId);
  const text = JSON.stringify(body);
  this.log.info({ code: error.code, problem: code, requestId }, 'refused a request Node could not parse');
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${body.status} ${STATUS_CODES[body.status] ?? ''}\r\n` +
        `Content-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\n` +
        `X-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy(error);
}
