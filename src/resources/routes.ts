import { Type } from 'typebox';
import type { AppDeps } from '../app-deps.js';
import { accountAccess } from '../http/account-access.js';
import { requirePlatform } from '../http/actor.js';
import { AccountParams, errorResponses, Id, ListOf, SingleLineText, Timestamp } from '../http/schemas.js';
import type { TypedApp } from '../http/typed-app.js';
import * as resources from './service.js';

const ResourceSchema = Type.Object({
  type: Type.String(),
  id: Type.String(),
  name: Type.String(),
  profileId: Type.Union([Type.String(), Type.Null()]),
  ownerMemberId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
const ResourceParams = Type.Object({
  accountId: Id,
  type: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9_]+$' }),
  externalId: SingleLineText({ minLength: 1, maxLength: 200 }),
});

export function registerResourceRoutes(app: TypedApp, deps: AppDeps): void {
  const tags = ['resources'];

  app.put(
    '/v1/accounts/:accountId/resources/:type/:externalId',
    {
      schema: {
        tags,
        summary: 'Register or update a scopable resource (platform token)',
        params: ResourceParams,
        body: Type.Object(
          {
            name: SingleLineText({ maxLength: 200 }),
            profileId: Type.Optional(Type.Union([Id, Type.Null()])),
            ownerMemberId: Type.Optional(Type.Union([Id, Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 200: ResourceSchema, 201: ResourceSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      requirePlatform(request);
      const { accountId, type, externalId } = request.params;
      const access = await accountAccess(deps, request, accountId);
      const { resource, created } = await resources.putResource(deps, access, type, externalId, request.body);
      return reply.code(created ? 201 : 200).send(resource);
    },
  );

  app.delete(
    '/v1/accounts/:accountId/resources/:type/:externalId',
    { schema: { tags, summary: 'Forget a resource (platform token)', params: ResourceParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      requirePlatform(request);
      const { accountId, type, externalId } = request.params;
      await resources.deleteResource(deps, await accountAccess(deps, request, accountId), type, externalId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/accounts/:accountId/resources',
    {
      schema: {
        tags,
        summary: 'Resources in the caller’s scope',
        params: AccountParams,
        querystring: Type.Object(
          {
            type: Type.Optional(Type.String({ maxLength: 64 })),
            profileId: Type.Optional(Id),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
            cursor: Type.Optional(Type.String({ maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: ListOf(ResourceSchema), ...errorResponses },
      },
    },
    async (request) => resources.listResources(deps, await accountAccess(deps, request, request.params.accountId), request.query),
  );
}
