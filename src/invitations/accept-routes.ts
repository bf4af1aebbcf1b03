import { Type } from 'typebox';
import { assertAcceptablePassword, hashPassword } from '../auth/password.js';
import { tokenErrorResponses, tokenLimitNote } from '../auth/schemas.js';
import { limitTokenGuesses } from '../auth/token-attempts.js';
import type { AppDeps } from '../app-deps.js';
import { SingleLineText, Timestamp } from '../http/schemas.js';
import { requestContext } from '../http/sensitive.js';
import type { TypedApp } from '../http/typed-app.js';
import { setSessionCookie } from '../sessions/http.js';
import { createSession, csrfTokenFor } from '../sessions/service.js';
import { AppError } from '../shared/app-error.js';
import { acceptAsNewUser, acceptAsSignedInUser, type AcceptDeps, lookupInvitation } from './accept.js';

const Token = Type.String({ minLength: 20, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' });

/** The invitation link's page calls these; the token comes from the link's fragment. */
export function registerAcceptRoutes(app: TypedApp, deps: AppDeps): void {
  const tags = ['invitations'];
  const acceptDeps: AcceptDeps = {
    access: deps.access,
    catalog: deps.catalog,
    clock: deps.clock,
    hashNewPassword: async (password, email) => {
      assertAcceptablePassword(password, email, 'password');
      return hashPassword(password);
    },
  };

  app.post(
    '/v1/invitations/lookup',
    {
      schema: {
        tags,
        summary: 'What an invitation offers, for whoever holds its token',
        description: tokenLimitNote,
        body: Type.Object({ token: Token }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            accountName: Type.String(),
            inviterName: Type.String(),
            email: Type.String(),
            name: Type.String(),
            roleName: Type.String(),
            expiresAt: Timestamp,
            existingUser: Type.Boolean({
              description: 'true: sign in, then accept; false: accept with name and password',
            }),
          }),
          ...tokenErrorResponses,
        },
      },
      config: { csrf: false },
    },
    async (request) =>
      limitTokenGuesses(deps.database.db, request.ip, deps.clock.now(), () =>
        lookupInvitation(acceptDeps, request.body.token),
      ),
  );

  app.post(
    '/v1/invitations/accept',
    {
      schema: {
        tags,
        summary: 'Accept: `{token, name, password}` as a new user (then enrol TOTP), or `{token}` while signed in',
        description: tokenLimitNote,
        body: Type.Object(
          {
            token: Token,
            name: Type.Optional(SingleLineText({ minLength: 1, maxLength: 200 })),
            password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            accountId: Type.String(),
            memberId: Type.String(),
            status: Type.Union([Type.Literal('active'), Type.Literal('invited')]),
            next: Type.Union([Type.Literal('enrol_totp'), Type.Literal('done')], {
              description: 'enrol_totp: the membership turns active once TOTP is confirmed',
            }),
            csrfToken: Type.Optional(Type.String()),
          }),
          ...tokenErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const context = requestContext(request);
      const actor = request.actor;
      if (actor?.type === 'user') {
        const accepted = await limitTokenGuesses(deps.database.db, context.ip, deps.clock.now(), () =>
          acceptAsSignedInUser(acceptDeps, { token: request.body.token, userId: actor.userId }, context),
        );
        return {
          accountId: accepted.accountId,
          memberId: accepted.memberId,
          status: accepted.active ? ('active' as const) : ('invited' as const),
          next: accepted.active ? ('done' as const) : ('enrol_totp' as const),
        };
      }
      if (actor) throw new AppError('authz.forbidden', 'Invitations are accepted by people');
      const { name, password } = request.body;
      if (!name || !password) {
        throw new AppError('request.invalid', 'A new user accepts with a name and a password', {
          errors: [
            ...(name ? [] : [{ field: 'body/name', message: 'is required' }]),
            ...(password ? [] : [{ field: 'body/password', message: 'is required' }]),
          ],
        });
      }
      const accepted = await limitTokenGuesses(deps.database.db, context.ip, deps.clock.now(), () =>
        acceptAsNewUser(acceptDeps, { token: request.body.token, name, password }, context),
      );
      // Signed in straight away, but only for the next step: enrolling TOTP, which activates
      // the membership. Where the account does not require 2FA the session is complete.
      const now = deps.clock.now();
      const session = await createSession(deps.database.db, {
        userId: accepted.userId,
        stage: accepted.active ? 'active' : 'enrol_totp',
        secondFactorAt: null,
        context,
        now,
      });
      setSessionCookie(reply, deps.config, session.token);
      return {
        accountId: accepted.accountId,
        memberId: accepted.memberId,
        status: accepted.active ? ('active' as const) : ('invited' as const),
        next: accepted.active ? ('done' as const) : ('enrol_totp' as const),
        csrfToken: csrfTokenFor(deps.secretKey, session.tokenHash),
      };
    },
  );
}
