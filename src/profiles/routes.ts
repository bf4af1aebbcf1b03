import { Type } from 'typebox';
import type { AppDeps } from '../app-deps.js';
import { accessOf } from '../http/account-scope.js';
import { AccountParams, errorResponses, Id, ListOf, SingleLineText, Timestamp } from '../http/schemas.js';
import type { TypedApp } from '../http/typed-app.js';
import * as profiles from './service.js';

const ProfileSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  archived: Type.Boolean(),
  createdAt: Timestamp,
});
const Name = SingleLineText({ minLength: 1, maxLength: 200 });

/** Merchant profiles (business units) inside an account; members may be limited to some. */
export function registerProfileRoutes(app: TypedApp, deps: AppDeps): void {
  const tags = ['profiles'];

  app.get(
    '/v1/accounts/:accountId/profiles',
    {
      schema: {
        tags,
        summary: 'Profiles the caller can see (members limited to some profiles see those)',
        params: AccountParams,
        querystring: Type.Object({ includeArchived: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: ListOf(ProfileSchema), ...errorResponses },
      },
    },
    async (request) => ({
      items: await profiles.listProfiles(deps, accessOf(request), request.query.includeArchived === true),
      nextCursor: null,
    }),
  );

  app.post(
    '/v1/accounts/:accountId/profiles',
    {
      schema: {
        tags,
        summary: 'Create a profile (platform or profiles.manage)',
        params: AccountParams,
        body: Type.Object({ name: Name }, { additionalProperties: false }),
        response: { 201: ProfileSchema, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await profiles.createProfile(deps, accessOf(request), request.body.name)),
  );

  app.patch(
    '/v1/accounts/:accountId/profiles/:profileId',
    {
      schema: {
        tags,
        summary: 'Rename or archive/unarchive a profile (profiles.manage)',
        params: Type.Object({ accountId: Id, profileId: Id }),
        body: Type.Object(
          { name: Type.Optional(Name), archived: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
        response: { 200: ProfileSchema, ...errorResponses },
      },
    },
    async (request) => profiles.updateProfile(deps, accessOf(request), request.params.profileId, request.body),
  );
}
