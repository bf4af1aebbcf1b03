import { Type } from 'typebox';
import { requireUser } from '../http/actor.js';
import type { AppDeps } from '../app-deps.js';
import { errorResponses, Id, ListOf, Timestamp } from '../http/schemas.js';
import { requestContext } from '../http/sensitive.js';
import type { TypedApp } from '../http/typed-app.js';
import { clearSessionCookie } from './http.js';
import { listSessions, revokeOtherSessions, revokeOwnSession } from './service.js';

const SessionSchema = Type.Object({
  id: Type.String(),
  current: Type.Boolean(),
  createdAt: Timestamp,
  lastSeenAt: Timestamp,
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
});

/** Your own sessions: list, revoke one, revoke all the others (ASVS 5.0 V7.5.2). */
export function registerSessionRoutes(app: TypedApp, deps: AppDeps): void {
  const tags = ['me'];
  const db = deps.database.db;

  app.get(
    '/v1/me/sessions',
    {
      schema: {
        tags,
        summary: 'Your live sessions, most recently used first',
        response: { 200: ListOf(SessionSchema), ...errorResponses },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const sessions = await listSessions(db, actor.userId, actor.sessionId, deps.clock.now());
      return {
        items: sessions.map((s) => ({
          ...s,
          createdAt: s.createdAt.toISOString(),
          lastSeenAt: s.lastSeenAt.toISOString(),
        })),
        nextCursor: null,
      };
    },
  );

  app.delete(
    '/v1/me/sessions/:sessionId',
    {
      schema: {
        tags,
        summary: 'End one of your sessions (204 for any id, so that it reveals nothing)',
        params: Type.Object({ sessionId: Id }),
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      await revokeOwnSession(db, actor.userId, request.params.sessionId, requestContext(request), deps.clock.now());
      if (request.params.sessionId === actor.sessionId) clearSessionCookie(reply, deps.config);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/v1/me/sessions',
    {
      schema: {
        tags,
        summary: 'End all your sessions except this one',
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      await revokeOtherSessions(db, actor, requestContext(request), deps.clock.now());
      return reply.code(204).send(null);
    },
  );
}
