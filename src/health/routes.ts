import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { pendingMigrations } from '../db/migrate.js';
import type { AppDeps } from '../app-deps.js';
import { problem, sendProblem } from '../http/problems.js';
import { withTimeout } from '../shared/with-timeout.js';

const Status = Type.Object({ status: Type.String() });

/** Readiness failures are transient (a restart, a reconnect): worth asking again this soon. */
const retryAfter = { 'retry-after': '2' };

export function registerHealthRoutes(app: FastifyInstance, { database, access }: AppDeps): void {
  app.get(
    '/healthz',
    { schema: { tags: ['operations'], summary: 'The process is alive', response: { 200: Status } } },
    async () => ({
      status: 'ok',
    }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'The database answers, its schema is current and the change feed (LISTEN) is live',
        description: 'Otherwise 503 `service.unavailable` with Retry-After, its detail naming what is not ready.',
        response: { 200: Status },
      },
    },
    async (request, reply) => {
      // Checked first and reported alongside the database: without the feed this instance
      // cannot hear other instances' access changes (it still decides correctly, from fresh
      // loads, but it is not fully up until the feed is back).
      const feedProblem = access.feedLive ? '' : '; the change feed (LISTEN) is down, reconnecting';
      try {
        await withTimeout(sql`select 1`.execute(database.db), 2000);
        const pending = await withTimeout(pendingMigrations(database.db), 2000);
        if (pending.length > 0) {
          return sendProblem(
            reply,
            problem('service.unavailable', request.id, `Migrations pending: ${pending.join(', ')}${feedProblem}`),
            retryAfter,
          );
        }
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed');
        return sendProblem(
          reply,
          problem('service.unavailable', request.id, `The database is unreachable${feedProblem}`),
          retryAfter,
        );
      }
      if (feedProblem)
        return sendProblem(
          reply,
          problem('service.unavailable', request.id, 'The change feed (LISTEN) is down, reconnecting'),
          retryAfter,
        );
      return { status: 'ready' };
    },
  );
}
