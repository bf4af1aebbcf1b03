import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppDeps } from '../app-deps.js';
import { accessOf } from '../http/account-scope.js';
import { requirePlatform } from '../http/actor.js';
import { AccountParams, Cursor, errorResponses, Id, ListOf, SingleLineText, Timestamp } from '../http/schemas.js';
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
  // Before the account scope's access check, so that only the platform learns whether an
  // account exists.
  const platformOnly = async (request: FastifyRequest) => requirePlatform(request);

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
      preValidation: platformOnly,
    },
    async (request, reply) => {
      const { type, externalId } = request.params;
      const access = accessOf(request);
      const { resource, created } = await resources.putResource(deps, access, type, externalId, request.body);
      return reply.code(created ? 201 : 200).send(resource);
    },
  );

  app.delete(
    '/v1/accounts/:accountId/resources/:type/:externalId',
    {
      schema: {
        tags,
        summary: 'Forget a resource (platform token)',
        params: ResourceParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
      preValidation: platformOnly,
    },
    async (request, reply) => {
      const { type, externalId } = request.params;
      await resources.deleteResource(deps, accessOf(request), type, externalId);
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
            cursor: Type.Optional(Cursor),
          },
          { additionalProperties: false },
        ),
        response: { 200: ListOf(ResourceSchema), ...errorResponses },
      },
    },
    async (request) => resources.listResources(deps, accessOf(request), request.query),
  );
}
