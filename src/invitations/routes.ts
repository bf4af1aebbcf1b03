import { Type } from 'typebox';
import type { AppDeps } from '../app-deps.js';
import { accessOf } from '../http/account-scope.js';
import {
  AccountParams,
  Cursor,
  errorResponses,
  GrantSchema,
  Id,
  ListOf,
  MultiLineText,
  SingleLineText,
  Timestamp,
} from '../http/schemas.js';
import type { TypedApp } from '../http/typed-app.js';
import { Flags, Identity, ProfileIds, ResourcesScope } from '../members/schemas.js';
import { parseBulkCsv } from './bulk.js';
import * as invitations from './service.js';

const InvitationSchema = Type.Object({
  id: Type.String(),
  memberId: Type.String(),
  email: Type.String(),
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('accepted'),
    Type.Literal('revoked'),
    Type.Literal('expired'),
  ]),
  role: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
  expiresAt: Timestamp,
  invitedBy: Type.Object({ memberId: Type.Union([Type.String(), Type.Null()]), name: Type.String() }),
  sendCount: Type.Integer(),
  lastSentAt: Timestamp,
  createdAt: Timestamp,
  acceptedAt: Type.Union([Timestamp, Type.Null()]),
  revokedAt: Type.Union([Timestamp, Type.Null()]),
});
const InvitationParams = Type.Object({ accountId: Id, invitationId: Id });

export function registerInvitationRoutes(app: TypedApp, deps: AppDeps & invitations.InvitationsDeps): void {
  const tags = ['invitations'];

  app.post(
    '/v1/accounts/:accountId/invitations',
    {
      schema: {
        tags,
        summary:
          'Invite someone by email with a role, an individual permission set, or a new custom role (users.invite)',
        params: AccountParams,
        body: Type.Object(
          {
            email: Type.String({ format: 'email', maxLength: 320 }),
            name: Type.Optional(SingleLineText({ maxLength: 200 })),
            identity: Type.Optional(Identity),
            roleId: Type.Optional(Id),
            permissions: Type.Optional(Type.Array(GrantSchema, { maxItems: 500 })),
            newRole: Type.Optional(
              Type.Object(
                {
                  name: SingleLineText({ minLength: 1, maxLength: 100 }),
                  description: Type.Optional(MultiLineText({ maxLength: 500 })),
                  permissions: Type.Array(GrantSchema, { maxItems: 500 }),
                },
                { additionalProperties: false },
              ),
            ),
            profileIds: Type.Optional(ProfileIds),
            resources: Type.Optional(ResourcesScope),
            flags: Type.Optional(Flags),
          },
          { additionalProperties: false },
        ),
        response: { 201: InvitationSchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await invitations.invite(deps, accessOf(request), request.body)),
  );

  app.register(async (scope) => {
    // Bulk invites arrive as CSV; this scope alone accepts text/csv.
    scope.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_request, body, done) =>
      done(null, body),
    );
    scope.post(
      '/v1/accounts/:accountId/invitations/bulk',
      {
        schema: {
          tags,
          summary: 'Invite from a CSV (email,role[,profiles][,name]): every row valid, or nobody invited',
          params: AccountParams,
          consumes: ['text/csv'],
          response: { 201: ListOf(InvitationSchema), ...errorResponses },
        },
      },
      async (request, reply) => {
        const access = accessOf(request);
        const rows = await parseBulkCsv(
          deps.catalog,
          deps.database.db,
          access.accountId,
          typeof request.body === 'string' ? request.body : '',
        );
        return reply.code(201).send({ items: await invitations.inviteMany(deps, access, rows), nextCursor: null });
      },
    );
  });

  app.get(
    '/v1/accounts/:accountId/invitations',
    {
      schema: {
        tags,
        summary: 'Invitations by status (users.view)',
        params: AccountParams,
        querystring: Type.Object(
          {
            status: Type.Optional(
              Type.Union([
                Type.Literal('pending'),
                Type.Literal('accepted'),
                Type.Literal('revoked'),
                Type.Literal('expired'),
              ]),
            ),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
            cursor: Type.Optional(Cursor),
          },
          { additionalProperties: false },
        ),
        response: { 200: ListOf(InvitationSchema), ...errorResponses },
      },
    },
    async (request) => invitations.listInvitations(deps, accessOf(request), request.query),
  );

  app.post(
    '/v1/accounts/:accountId/invitations/:invitationId/resend',
    {
      schema: {
        tags,
        summary: 'Send a new link; the old one stops working (users.invite)',
        params: InvitationParams,
        response: { 200: InvitationSchema, ...errorResponses },
      },
    },
    async (request) => invitations.resendInvitation(deps, accessOf(request), request.params.invitationId),
  );

  app.delete(
    '/v1/accounts/:accountId/invitations/:invitationId',
    {
      schema: {
        tags,
        summary: 'Revoke a pending invitation (users.invite)',
        params: InvitationParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await invitations.revokeInvitation(deps, accessOf(request), request.params.invitationId);
      return reply.code(204).send(null);
    },
  );
}
