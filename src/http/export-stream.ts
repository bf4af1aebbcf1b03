import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** What every export's OpenAPI description says about its stream and its cells. */
export const exportDescription =
  'Streamed. Everything is checked before the first byte, so a refusal or a bad query is an ordinary problem+json answer; a failure after it ' +
  'aborts the chunked response (no terminating chunk), which clients report as a failed download, never a complete-looking file. ' +
  'Every control character in a value (CR, LF, tab, ESC, other C0/C1, U+2028/2029) is written as a visible `\\uXXXX` escape, so no value ' +
  'adds a line whatever older rows or user agents hold; a text cell starting with = + - or @ is prefixed with an apostrophe (formula injection).';

export interface ExportBody {
  /** The download's file name, also named in the log line of a failed export. */
  filename: string;
  contentType: string;
  /**
   * The export's text in chunks. Its first chunk must come only after everything that can
   * be refused was checked (permission, query, sort) and the first page was read: nothing is
   * sent before it, so up to then a failure is an ordinary problem+json answer.
   */
  chunks: AsyncIterator<string>;
}

/**
 * Answers with a streamed export (members CSV, security log). Once the first byte is out the
 * status cannot change any more, so a failure after it (the database gone mid-way, a bug) is
 * logged at error level and the chunked response is aborted without its terminating chunk:
 * HTTP clients (browsers, curl, fetch) then report a failed download, never a truncated file
 * that looks complete.
 */
export async function sendExport(
  request: FastifyRequest,
  reply: FastifyReply,
  body: ExportBody,
): Promise<FastifyReply> {
  const first = await body.chunks.next();
  let bytesSent = 0;
  async function* chunks(): AsyncGenerator<string> {
    try {
      for (let next = first; !next.done; next = await body.chunks.next()) {
        bytesSent += Buffer.byteLength(next.value);
        yield next.value;
      }
    } catch (error) {
      request.log.error(
        { err: error, export: body.filename, bytesSent },
        'export failed after its first byte; the download was aborted',
      );
      throw error;
    } finally {
      // The client went away (or it failed): let the export release what it holds.
      await body.chunks.return?.();
    }
  }
  return reply
    .type(body.contentType)
    .header('content-disposition', `attachment; filename="${body.filename}"`)
    .header('cache-control', 'no-store')
    .send(Readable.from(chunks()));
}
