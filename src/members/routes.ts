import { Type } from 'typebox';
import type { AppDeps } from '../app-deps.js';
import { accessOf } from '../http/account-scope.js';
import { exportDescription, sendExport } from '../http/export-stream.js';
import { AccountParams, Cursor, errorResponses, GrantSchema, Id, ListOf, SingleLineText } from '../http/schemas.js';
import { stepUpGate } from '../http/sensitive.js';
import type { TypedApp } from '../http/typed-app.js';
import { viewSerializer } from '../http/view-serializer.js';
import { EmailInput } from '../auth/schemas.js';
import { exportMembersCsv, listMembers } from './list.js';
import { requestMemberEmailChange, resetMemberTwoFactor } from './security-actions.js';
import {
  ConfirmBody,
  ConfirmTrue,
  Flags,
  Identity,
  ListFilters,
  MemberParams,
  MemberSchema,
  MemberSummarySchema,
  ProfileIds,
  ResourcesScope,
} from './schemas.js';
import * as members from './service.js';

/**
 * The codes a member action may answer besides the gate's (401 `auth.step_up_required`, 400
 * `request.confirmation_required`).
 */
const managingCodes =
  '403 `authz.forbidden` (no users.edit), `authz.escalation` (the member has access you do not), `authz.self_change` (use /v1/me for yourself); ' +
  "404 `member.not_found` (also for another account's member); 409 `member.owner_protected`, `member.inactive`, `member.not_active` (still invited)";

export function registerMemberRoutes(app: TypedApp, deps: AppDeps & members.MembersDeps): void {
  const tags = ['members'];

  app.get(
    '/v1/accounts/:accountId/members',
    {
      schema: {
        tags,
        summary: 'The users list: search, filter, sort, paginate (users.view)',
        params: AccountParams,
        querystring: Type.Object(
          {
            ...ListFilters,
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
            cursor: Type.Optional(Cursor),
          },
          { additionalProperties: false },
        ),
        response: { 200: ListOf(MemberSummarySchema), ...errorResponses },
      },
      serializerCompiler: viewSerializer,
    },
    async (request) => listMembers(deps, accessOf(request), request.query),
  );

  app.get(
    '/v1/accounts/:accountId/members/export',
    {
      schema: {
        tags,
        summary: 'The users list as CSV, same filters (users.view)',
        description: exportDescription,
        params: AccountParams,
        querystring: Type.Object(ListFilters, { additionalProperties: false }),
        produces: ['text/csv'],
        response: { 200: { type: 'string', description: 'RFC 4180 CSV' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const access = accessOf(request);
      return sendExport(request, reply, {
        filename: 'members.csv',
        contentType: 'text/csv; charset=utf-8',
        chunks: exportMembersCsv(deps, access, request.query),
      });
    },
  );

  app.get(
    '/v1/accounts/:accountId/members/:memberId',
    {
      schema: {
        tags,
        summary: 'One member (users.view, or yourself)',
        params: MemberParams,
        response: { 200: MemberSchema, ...errorResponses },
      },
    },
    async (request) => members.getMember(deps, accessOf(request), request.params.memberId),
  );

  app.patch(
    '/v1/accounts/:accountId/members/:memberId',
    {
      schema: {
        tags,
        summary:
          'Edit name, role or permissions, scopes, flags, unset identity fields (users.edit + step-up + confirm)',
        params: MemberParams,
        body: Type.Object(
          {
            name: Type.Optional(SingleLineText({ minLength: 1, maxLength: 200 })),
            roleId: Type.Optional(Id),
            permissions: Type.Optional(Type.Array(GrantSchema, { maxItems: 500 })),
            profileIds: Type.Optional(ProfileIds),
            resources: Type.Optional(ResourcesScope),
            flags: Type.Optional(Flags),
            identity: Type.Optional(Identity),
            confirm: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: MemberSchema, ...errorResponses },
      },
      preValidation: stepUpGate(deps.clock),
    },
    async (request) => {
      const access = accessOf(request);
      return members.updateMember(deps, access, request.params.memberId, request.body);
    },
  );

  for (const action of ['deactivate', 'reactivate', 'remove'] as const) {
    app.post(
      `/v1/accounts/:accountId/members/:memberId/${action}`,
      {
        schema: {
          tags,
          summary: `${action[0].toUpperCase()}${action.slice(1)} a member (step-up + confirm)`,
          params: MemberParams,
          body: ConfirmBody,
          response: { 200: MemberSchema, ...errorResponses },
        },
        preValidation: stepUpGate(deps.clock),
      },
      async (request) => {
        const access = accessOf(request);
        return members.changeStatus(deps, access, request.params.memberId, action);
      },
    );
  }

  app.get(
    '/v1/accounts/:accountId/members/:memberId/role-change-preview',
    {
      schema: {
        tags,
        summary: 'Permissions gained and lost if the member moved to another role (users.edit)',
        params: MemberParams,
        querystring: Type.Object({ roleId: Id }, { additionalProperties: false }),
        response: {
          200: Type.Object({ gained: Type.Array(GrantSchema), lost: Type.Array(GrantSchema) }),
          ...errorResponses,
        },
      },
    },
    async (request) =>
      members.previewRoleChange(deps, accessOf(request), request.params.memberId, request.query.roleId),
  );

  app.post(
    '/v1/accounts/:accountId/members/:memberId/reset-two-factor',
    {
      schema: {
        tags,
        summary:
          'Reset a member’s two-factor authentication: they enrol again at their next sign-in (users.edit + step-up + confirm)',
        description:
          'For a member who lost their authenticator and recovery codes. Deletes their TOTP seed and recovery codes, ends every session of the person, ' +
          'mails them a notice and records `member.two_factor_reset`. Their password and API keys are unchanged. ' +
          `Errors: ${managingCodes}; 409 \`two_factor.not_enrolled\`.`,
        params: MemberParams,
        body: Type.Object({ confirm: ConfirmTrue }, { additionalProperties: false }),
        response: { 200: MemberSchema, ...errorResponses },
      },
      preValidation: stepUpGate(deps.clock),
    },
    async (request) => resetMemberTwoFactor(deps, accessOf(request), request.params.memberId),
  );

  app.post(
    '/v1/accounts/:accountId/members/:memberId/email-change',
    {
      schema: {
        tags,
        summary:
          'Change a member’s email: a link goes to the new address, the change applies when it is followed (users.edit + step-up + confirm)',
        description:
          'Sends a single-use link (valid 1 hour) to `newEmail`; nothing changes until it is confirmed at `POST /v1/email-change/confirm`. ' +
          'Then the old address is told and every session of the person ends. A new request replaces a pending one. ' +
          'When the address already has a user nothing is sent and the answer is the same. Records `member.email_change_requested`, then `email.changed`. ' +
          `Errors: ${managingCodes}; 409 \`member.identity_shared\` (the person belongs to other accounts too: they change it themselves); 400 \`request.invalid\` (the same address).`,
        params: MemberParams,
        body: Type.Object({ newEmail: EmailInput, confirm: ConfirmTrue }, { additionalProperties: false }),
        response: {
          202: Type.Object(
            {
              newEmail: Type.String({ description: 'The new address, normalised' }),
              expiresAt: Type.String({ format: 'date-time', description: 'When the link stops working' }),
            },
            { additionalProperties: false },
          ),
          ...errorResponses,
        },
      },
      preValidation: stepUpGate(deps.clock),
    },
    async (request, reply) => {
      const access = accessOf(request);
      const started = await requestMemberEmailChange(deps, access, request.params.memberId, request.body.newEmail);
      return reply.code(202).send({ newEmail: started.newEmail, expiresAt: started.expiresAt.toISOString() });
    },
  );

  const ResourceParams = Type.Object({
    accountId: Id,
    memberId: Id,
    type: Type.String({ pattern: '^[a-z0-9_]+$', maxLength: 64 }),
    externalId: Type.String({ minLength: 1, maxLength: 200 }),
  });
  for (const [method, assigned] of [
    ['PUT', true],
    ['DELETE', false],
  ] as const) {
    app.route({
      method,
      url: '/v1/accounts/:accountId/members/:memberId/resources/:type/:externalId',
      schema: {
        tags,
        summary: assigned
          ? 'Assign a resource to an active member (step-up + confirm)'
          : 'Unassign a resource (step-up + confirm)',
        params: ResourceParams,
        body: ConfirmBody,
        response: { 200: MemberSchema, ...errorResponses },
      },
      preValidation: stepUpGate(deps.clock),
      handler: async (request) => {
        const { memberId, type, externalId } = request.params;
        const access = accessOf(request);
        return members.setResourceAssignment(deps, access, memberId, type, externalId, assigned);
      },
    });
  }
}
