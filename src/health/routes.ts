import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { pendingMigrations } from '../db/migrate.js';
import type { AppDeps } from '../http/app.js';
import { problem, sendProblem } from '../http/problems.js';

const Status = Type.Object({ status: Type.String() });

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function registerHealthRoutes(app: FastifyInstance, { database }: AppDeps): void {
  app.get('/healthz', { schema: { tags: ['operations'], summary: 'The process is alive', response: { 200: Status } } }, async () => ({
    status: 'ok',
  }));

  app.get(
    '/readyz',
    { schema: { tags: ['operations'], summary: 'The database answers and its schema is current', response: { 200: Status } } },
    async (request, reply) => {
      try {
        await withTimeout(sql`select 1`.execute(database.db), 2000);
        const pending = await withTimeout(pendingMigrations(database.db), 2000);
        if (pending.length > 0) {
          return sendProblem(reply, problem('service.unavailable', request.id, `Migrations pending: ${pending.join(', ')}`));
        }
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed');
        return sendProblem(reply, problem('service.unavailable', request.id, 'The database is unreachable'));
      }
      return { status: 'ready' };
    },
  );
}
