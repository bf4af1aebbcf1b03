import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { requestEmailChange } from '../auth/email-change.js';
import {
  credentialErrorResponses,
  CsrfToken,
  EmailInput,
  PasswordInput,
  SecondFactorBody,
  StepUpResponse,
  TotpCode,
} from '../auth/schemas.js';
import { stepUp } from '../auth/step-up.js';
import {
  confirmEnrolment,
  type EnrollingSession,
  regenerateRecoveryCodes,
  resetTwoFactor,
  startEnrolment,
} from '../auth/two-factor.js';
import { requireUser } from '../http/actor.js';
import type { AppDeps } from '../app-deps.js';
import { errorResponses, SingleLineText } from '../http/schemas.js';
import { requestContext, stepUpGate } from '../http/sensitive.js';
import type { TypedApp } from '../http/typed-app.js';
import { requestSession, setSessionCookie } from '../sessions/http.js';
import { csrfTokenFor } from '../sessions/service.js';
import * as me from './service.js';

const Me = Type.Object({
  user: Type.Object({ id: Type.String(), email: Type.String(), name: Type.String(), twoFactorEnabled: Type.Boolean() }),
  memberships: Type.Array(
    Type.Object({
      accountId: Type.String(),
      accountName: Type.String(),
      memberId: Type.String(),
      status: Type.Union([Type.Literal('invited'), Type.Literal('active'), Type.Literal('inactive')]),
      isOwner: Type.Boolean(),
      role: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()], {
        description: 'null when the member holds an individual set of permissions',
      }),
    }),
  ),
  csrfToken: CsrfToken,
});
const RecoveryCodes = Type.Object({
  recoveryCodes: Type.Array(Type.String(), { description: 'Shown this once; each works one time' }),
});
const ConfirmBody = Type.Object(
  { confirm: Type.Boolean({ description: 'Must be true' }) },
  { additionalProperties: false },
);

/** The session's CSRF token, for the responses that hand it to the dashboard. */
function csrfOf(request: FastifyRequest, deps: AppDeps): string {
  const session = requestSession(request);
  if (!session) throw new Error('a user actor without a session');
  return csrfTokenFor(deps.secretKey, session.tokenHash);
}

/** A signed-in person, or a pending sign-in whose next step is enrolment. */
function enrollingSession(request: FastifyRequest): EnrollingSession {
  if (request.actor?.type !== 'user' && request.pendingSignIn?.next === 'enrol_totp') {
    return { userId: request.pendingSignIn.userId, sessionId: request.pendingSignIn.sessionId, completesSignIn: true };
  }
  const actor = requireUser(request);
  return { userId: actor.userId, sessionId: actor.sessionId, completesSignIn: false };
}

/** The signed-in person's own identity: profile, password, 2FA, step-up, email. */
export function registerMeRoutes(app: TypedApp, deps: AppDeps): void {
  const tags = ['me'];
  const sensitive = stepUpGate(deps.clock, { personOnly: true });

  app.get(
    '/v1/me',
    {
      schema: {
        tags,
        summary: 'You: your user, your memberships, and the session’s CSRF token',
        response: { 200: Me, ...errorResponses },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return { ...(await me.getMe(deps, actor.userId)), csrfToken: csrfOf(request, deps) };
    },
  );

  app.patch(
    '/v1/me',
    {
      schema: {
        tags,
        summary: 'Change your name',
        body: Type.Object({ name: SingleLineText({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: Me, ...errorResponses },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return {
        ...(await me.updateProfile(deps, actor.userId, request.body, requestContext(request))),
        csrfToken: csrfOf(request, deps),
      };
    },
  );

  app.put(
    '/v1/me/password',
    {
      schema: {
        tags,
        summary: 'Change your password (needs the current one); your other sessions end',
        body: Type.Object(
          { currentPassword: PasswordInput, newPassword: PasswordInput },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...credentialErrorResponses },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      await me.changePassword(deps, actor, request.body, requestContext(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/v1/me/step-up',
    {
      schema: {
        tags,
        summary:
          'Verify a second factor again; sensitive actions are allowed for 5 minutes. Issues a new session cookie',
        body: SecondFactorBody,
        response: { 200: StepUpResponse, ...credentialErrorResponses },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const result = await stepUp(deps, actor, request.body, requestContext(request));
      setSessionCookie(reply, deps.config, result.token);
      return { csrfToken: result.csrfToken, expiresAt: result.expiresAt.toISOString() };
    },
  );

  app.post(
    '/v1/me/totp',
    {
      schema: {
        tags,
        summary: 'Start TOTP enrolment: the seed, shown this once, as an otpauth URI and a QR code',
        response: {
          200: Type.Object({ otpauthUri: Type.String(), qrCodeSvg: Type.String({ description: 'image/svg+xml' }) }),
          ...errorResponses,
        },
      },
    },
    async (request) => startEnrolment(deps, enrollingSession(request).userId),
  );

  app.post(
    '/v1/me/totp/confirm',
    {
      schema: {
        tags,
        summary:
          'Finish TOTP enrolment with one code; returns recovery codes (shown this once) and, when it completes a sign-in, a new CSRF token',
        body: Type.Object({ code: TotpCode }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            recoveryCodes: RecoveryCodes.properties.recoveryCodes,
            csrfToken: Type.Optional(CsrfToken),
          }),
          ...credentialErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const result = await confirmEnrolment(
        deps,
        enrollingSession(request),
        request.body.code,
        requestContext(request),
      );
      if (!result.session) return { recoveryCodes: result.recoveryCodes };
      setSessionCookie(reply, deps.config, result.session.token);
      return { recoveryCodes: result.recoveryCodes, csrfToken: result.session.csrfToken };
    },
  );

  app.delete(
    '/v1/me/totp',
    {
      preValidation: sensitive,
      schema: {
        tags,
        summary: 'Reset two-factor authentication (step-up + confirm); you must enrol again, your other sessions end',
        body: ConfirmBody,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      await resetTwoFactor(deps, actor, requestContext(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/v1/me/recovery-codes',
    {
      preValidation: sensitive,
      schema: {
        tags,
        summary: 'Replace your recovery codes (step-up + confirm); the new ones are shown this once',
        body: ConfirmBody,
        response: { 200: RecoveryCodes, ...errorResponses },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return { recoveryCodes: await regenerateRecoveryCodes(deps, actor.userId, requestContext(request)) };
    },
  );

  app.post(
    '/v1/me/email-change',
    {
      preValidation: sensitive,
      schema: {
        tags,
        summary: 'Change your email (step-up + confirm): a link goes to the new address',
        body: Type.Object(
          { newEmail: EmailInput, confirm: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
        response: { 202: Type.Object({}), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      await requestEmailChange(deps, actor.userId, request.body.newEmail, requestContext(request));
      return reply.code(202).send({});
    },
  );
}
