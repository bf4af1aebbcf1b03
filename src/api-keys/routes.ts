import { Type } from 'typebox';
import type { AppDeps } from '../app-deps.js';
import { accessOf } from '../http/account-scope.js';
import { AccountParams, errorResponses, GrantSchema, Id, ListOf, SingleLineText, Timestamp } from '../http/schemas.js';
import { stepUpGate } from '../http/sensitive.js';
import type { TypedApp } from '../http/typed-app.js';
import * as keys from './service.js';

const KeySchema = Type.Object({
  id: Type.String(),
  memberId: Type.String(),
  memberName: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'The first characters of the key, to recognise it' }),
  permissions: Type.Union([Type.Array(GrantSchema), Type.Null()], {
    description: 'null: all of the member’s permissions',
  }),
  expiresAt: Type.Union([Timestamp, Type.Null()]),
  lastUsedAt: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
  revokedAt: Type.Union([Timestamp, Type.Null()]),
});

export function registerApiKeyRoutes(app: TypedApp, deps: AppDeps): void {
  const tags = ['api keys'];

  app.post(
    '/v1/accounts/:accountId/api-keys',
    {
      schema: {
        tags,
        summary:
          'Create an API key for yourself (api.access, the apiAccess flag, step-up + confirm); the key is shown once',
        params: AccountParams,
        body: Type.Object(
          {
            name: SingleLineText({ minLength: 1, maxLength: 100 }),
            expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
            permissions: Type.Optional(Type.Array(GrantSchema, { maxItems: 500 })),
            confirm: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            ...KeySchema.properties,
            key: Type.String({ description: 'The secret, shown this once' }),
          }),
          ...errorResponses,
        },
      },
      preValidation: stepUpGate(deps.clock),
    },
    async (request, reply) => {
      const access = accessOf(request);
      return reply.code(201).send(await keys.createKey(deps, access, request.body));
    },
  );

  app.get(
    '/v1/accounts/:accountId/api-keys',
    {
      schema: {
        tags,
        summary: 'Your keys; everyone’s with users.edit (never the secrets)',
        params: AccountParams,
        querystring: Type.Object({ memberId: Type.Optional(Id) }, { additionalProperties: false }),
        response: { 200: ListOf(KeySchema), ...errorResponses },
      },
    },
    async (request) => ({
      items: await keys.listKeys(deps, accessOf(request), request.query.memberId),
      nextCursor: null,
    }),
  );

  app.delete(
    '/v1/accounts/:accountId/api-keys/:keyId',
    {
      schema: {
        tags,
        summary: 'Revoke a key at once (its member, users.edit, or the platform)',
        params: Type.Object({ accountId: Id, keyId: Id }),
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await keys.revokeKey(deps, accessOf(request), request.params.keyId);
      return reply.code(204).send(null);
    },
  );
}
