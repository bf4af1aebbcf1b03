import { Type } from 'typebox';
import type { AppDeps } from '../app-deps.js';
import type { TypedApp } from '../http/typed-app.js';
import { accessOf } from '../http/account-scope.js';
import {
  AccountParams,
  errorResponses,
  GrantSchema,
  Id,
  ListOf,
  MultiLineText,
  SingleLineText,
} from '../http/schemas.js';
import { bodyHas, stepUpGate } from '../http/sensitive.js';
import * as roles from './service.js';

const RoleSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  builtin: Type.Boolean(),
  assignable: Type.Boolean(),
  permissions: Type.Array(GrantSchema),
  memberCount: Type.Integer(),
});
const RoleParams = Type.Object({ accountId: Id, roleId: Id });
const Name = SingleLineText({ minLength: 1, maxLength: 100 });
const Description = MultiLineText({ maxLength: 500 });
const Permissions = Type.Array(GrantSchema, { maxItems: 500 });

export function registerRoleRoutes(app: TypedApp, deps: AppDeps): void {
  const tags = ['roles'];

  app.get(
    '/v1/accounts/:accountId/roles',
    {
      schema: {
        tags,
        summary: 'Built-in and custom roles with member counts',
        params: AccountParams,
        response: { 200: ListOf(RoleSchema), ...errorResponses },
      },
    },
    async (request) => {
      const access = accessOf(request);
      return { items: await roles.listRoles(deps, access), nextCursor: null };
    },
  );

  app.post(
    '/v1/accounts/:accountId/roles',
    {
      schema: {
        tags,
        summary: 'Create a custom role (permissions you hold only)',
        description:
          'A name that reads as a built-in role’s (compared after NFKC and case folding) answers 409 `role.name_reserved`; one that reads as another custom role’s, 409 `role.name_taken`.',
        params: AccountParams,
        body: Type.Object(
          { name: Name, description: Type.Optional(Description), permissions: Permissions },
          { additionalProperties: false },
        ),
        response: { 201: RoleSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const access = accessOf(request);
      const role = await roles.createRole(deps, access, request.body);
      return reply.code(201).send(role);
    },
  );

  app.get(
    '/v1/accounts/:accountId/roles/:roleId',
    { schema: { tags, summary: 'One role', params: RoleParams, response: { 200: RoleSchema, ...errorResponses } } },
    async (request) => {
      const { roleId } = request.params;
      return roles.getRole(deps, accessOf(request), roleId);
    },
  );

  app.patch(
    '/v1/accounts/:accountId/roles/:roleId',
    {
      schema: {
        tags,
        summary: 'Rename or change a custom role (step-up and confirm when permissions change)',
        description:
          'Names follow the rules of role creation: 409 `role.name_reserved` for a built-in role’s name, 409 `role.name_taken` for another custom role’s.',
        params: RoleParams,
        body: Type.Object(
          {
            name: Type.Optional(Name),
            description: Type.Optional(Description),
            permissions: Type.Optional(Permissions),
            confirm: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: RoleSchema, ...errorResponses },
      },
      // Changing what a role grants changes every holder's access at once: sensitive.
      preValidation: stepUpGate(deps.clock, { when: bodyHas('permissions') }),
    },
    async (request) => {
      const { roleId } = request.params;
      return roles.updateRole(deps, accessOf(request), roleId, request.body);
    },
  );

  app.delete(
    '/v1/accounts/:accountId/roles/:roleId',
    {
      schema: {
        tags,
        summary: 'Delete a custom role; ?reassignTo= moves its members in the same step',
        params: RoleParams,
        querystring: Type.Object({ reassignTo: Type.Optional(Id) }, { additionalProperties: false }),
        body: Type.Optional(Type.Object({ confirm: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
        response: { 204: Type.Null(), ...errorResponses },
      },
      preValidation: stepUpGate(deps.clock),
    },
    async (request, reply) => {
      const { roleId } = request.params;
      const access = accessOf(request);
      await roles.deleteRole(deps, access, roleId, request.query.reassignTo);
      return reply.code(204).send(null);
    },
  );
}
