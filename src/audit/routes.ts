import { Type } from 'typebox';
import { requirePermission } from '../access/guard.js';
import type { AppDeps } from '../app-deps.js';
import { accessOf } from '../http/account-scope.js';
import { exportDescription, sendExport } from '../http/export-stream.js';
import { requireUser } from '../http/actor.js';
import { AccountParams, Cursor, errorResponses, ListOf, Timestamp } from '../http/schemas.js';
import type { TypedApp } from '../http/typed-app.js';
import { eventsCsv, eventsNdjson } from './export.js';
import { type EventFilter, eventsPage, queryAccountEvents, queryUserEvents } from './query.js';

const Party = Type.Object({
  type: Type.String(),
  id: Type.Union([Type.String(), Type.Null()]),
  name: Type.Union([Type.String(), Type.Null()]),
});
const EventSchema = Type.Object({
  id: Type.String(),
  at: Timestamp,
  actor: Party,
  action: Type.String(),
  outcome: Type.String(),
  errorCode: Type.Union([Type.String(), Type.Null()]),
  target: Type.Union([
    Type.Object({ type: Type.String(), id: Type.String(), name: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  before: Type.Unknown(),
  after: Type.Unknown(),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  count: Type.Integer(),
});
const Filters = {
  actor: Type.Optional(Type.String({ maxLength: 100, description: 'An actor id (member, API key or user)' })),
  action: Type.Optional(Type.String({ maxLength: 100, description: 'An action, or a prefix such as `member.*`' })),
  target: Type.Optional(Type.String({ maxLength: 200 })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
};
const Page = { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })), cursor: Type.Optional(Cursor) };

function filterOf(query: {
  actor?: string;
  action?: string;
  target?: string;
  from?: string;
  to?: string;
}): EventFilter {
  return {
    actor: query.actor,
    action: query.action,
    target: query.target,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
  };
}

/** An account's security log and its export, inside the account scope. */
export function registerAuditRoutes(app: TypedApp, deps: AppDeps): void {
  const tags = ['security log'];

  app.get(
    '/v1/accounts/:accountId/security-events',
    {
      schema: {
        tags,
        summary: 'The account’s security log, newest first (security_log.view)',
        params: AccountParams,
        querystring: Type.Object({ ...Filters, ...Page }, { additionalProperties: false }),
        response: { 200: ListOf(EventSchema), ...errorResponses },
      },
    },
    async (request) => {
      const access = accessOf(request);
      requirePermission(access, 'security_log.view');
      const filter = filterOf(request.query);
      return eventsPage(request.query, (limit, after) =>
        queryAccountEvents(deps.database.db, access.accountId, filter, limit, after),
      );
    },
  );

  app.get(
    '/v1/accounts/:accountId/security-events/export',
    {
      schema: {
        tags,
        summary: 'Export the security log as CSV or NDJSON, streamed (security_log.view)',
        description: exportDescription,
        params: AccountParams,
        querystring: Type.Object(
          { ...Filters, format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('ndjson')])) },
          { additionalProperties: false },
        ),
        produces: ['text/csv', 'application/x-ndjson'],
        response: { 200: { type: 'string' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const access = accessOf(request);
      requirePermission(access, 'security_log.view');
      const format = request.query.format ?? 'csv';
      const filter = filterOf(request.query);
      const chunks =
        format === 'csv'
          ? eventsCsv(deps.database.db, access.accountId, filter)
          : eventsNdjson(deps.database.db, access.accountId, filter);
      return sendExport(request, reply, {
        filename: `security-log.${format}`,
        contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        chunks,
      });
    },
  );
}

/** A person's own security events, across their accounts. */
export function registerMySecurityEventRoutes(app: TypedApp, deps: AppDeps): void {
  const tags = ['security log'];

  app.get(
    '/v1/me/security-events',
    {
      schema: {
        tags,
        summary: 'Your own sign-ins, 2FA, password and session events',
        querystring: Type.Object(Page, { additionalProperties: false }),
        response: { 200: ListOf(EventSchema), ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      return eventsPage(request.query, (limit, after) => queryUserEvents(deps.database.db, user.userId, limit, after));
    },
  );
}
