import { Type } from 'typebox';
import type { AppDeps } from '../app-deps.js';
import { accessOf } from '../http/account-scope.js';
import { requirePlatform } from '../http/actor.js';
import { AccountParams, errorResponses, SingleLineText, Timestamp } from '../http/schemas.js';
import { bodyHas, requestContext, stepUpGate } from '../http/sensitive.js';
import type { TypedApp } from '../http/typed-app.js';
import { mailLinks } from '../mail/templates.js';
import * as accounts from './service.js';

const Settings = Type.Object({
  requireTwoFactor: Type.Boolean(),
  invitationLifetimeHours: Type.Integer({ minimum: 1, maximum: 720 }),
  sessionIdleMinutes: Type.Integer({ minimum: 5, maximum: 1440 }),
  sessionAbsoluteHours: Type.Integer({ minimum: 1, maximum: 720 }),
});
const AccountSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('suspended')]),
  settings: Settings,
  createdAt: Timestamp,
});
const Name = SingleLineText({ minLength: 1, maxLength: 200 });

export function registerAccountRoutes(app: TypedApp, deps: AppDeps & accounts.AccountsDeps): void {
  const tags = ['accounts'];

  app.post(
    '/v1/accounts',
    {
      schema: {
        tags,
        summary: 'Create an account and invite its owner (platform token)',
        body: Type.Object(
          {
            name: Name,
            ownerEmail: Type.String({ format: 'email', maxLength: 320 }),
            ownerName: Type.Optional(SingleLineText({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            account: AccountSchema,
            ownerMemberId: Type.String(),
            invitation: Type.Object({
              id: Type.String(),
              expiresAt: Timestamp,
              url: Type.String({ description: 'The owner’s invitation link, shown this once (also emailed)' }),
            }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      requirePlatform(request);
      const created = await accounts.createAccount(deps, request.body, requestContext(request));
      return reply.code(201).send({
        account: created.account,
        ownerMemberId: created.ownerMemberId,
        invitation: {
          id: created.invitation.id,
          expiresAt: created.invitation.expiresAt,
          url: mailLinks.invitation(deps.config.publicUrl, created.invitation.token),
        },
      });
    },
  );
}

/** The account itself, inside the account scope. */
export function registerAccountScopedRoutes(app: TypedApp, deps: AppDeps & accounts.AccountsDeps): void {
  const tags = ['accounts'];

  app.get(
    '/v1/accounts/:accountId',
    {
      schema: {
        tags,
        summary: 'The account and its settings',
        params: AccountParams,
        response: { 200: AccountSchema, ...errorResponses },
      },
    },
    async (request) => accounts.getAccount(deps, accessOf(request)),
  );

  app.patch(
    '/v1/accounts/:accountId',
    {
      schema: {
        tags,
        summary: 'Rename (account.edit) or change security settings (account.settings + step-up + confirm)',
        params: AccountParams,
        body: Type.Object(
          {
            name: Type.Optional(Name),
            settings: Type.Optional(Type.Partial(Settings, { additionalProperties: false })),
            confirm: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: AccountSchema, ...errorResponses },
      },
      // Security settings (2FA requirement, session limits…) are sensitive; a rename is not.
      preValidation: stepUpGate(deps.clock, { when: bodyHas('settings') }),
    },
    async (request) => accounts.updateAccount(deps, accessOf(request), request.body),
  );
}
