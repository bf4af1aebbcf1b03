import { Type } from 'typebox';
import type { AppDeps } from '../app-deps.js';
import { requestContext } from '../http/sensitive.js';
import { errorResponses } from '../http/schemas.js';
import type { TypedApp } from '../http/typed-app.js';
import { clearSessionCookie, requestSession, setSessionCookie } from '../sessions/http.js';
import { AppError } from '../shared/app-error.js';
import { confirmEmailChange } from './email-change.js';
import { confirmPasswordReset, requestPasswordReset } from './password-reset.js';
import { limitTokenGuesses } from './token-attempts.js';
import {
  credentialErrorResponses,
  EmailLogin,
  PasswordInput,
  SecondFactorBody,
  SecretToken,
  SessionIssuedSchema,
  SignInResponse,
  tokenErrorResponses,
  tokenLimitNote,
} from './schemas.js';
import { completeSecondFactor, signIn, signOut } from './sign-in.js';

/** Sign-in, sign-out, and the anonymous halves of password reset and email change. */
export function registerAuthRoutes(app: TypedApp, deps: AppDeps): void {
  const tags = ['sign-in'];

  app.post(
    '/v1/session',
    {
      // Anonymous: a cookie the browser still has does not need its CSRF token here. The route
      // takes JSON only, which a cross-site form cannot send.
      config: { csrf: false },
      schema: {
        tags,
        summary: 'Sign in with email and password; sets the session cookie',
        description:
          'Always starts a new session. Unless `next` is `done`, the session is pending and good only for the step named. ' +
          'Wrong email and wrong password answer alike; too many failures answer 429 `auth.locked` with Retry-After ' +
          '(back-off after 5 failures of an address, lock at 20, refused attempts included; the lock mails the person a reset link).',
        body: Type.Object({ email: EmailLogin, password: PasswordInput }, { additionalProperties: false }),
        response: { 200: SignInResponse, ...credentialErrorResponses },
      },
    },
    async (request, reply) => {
      const result = await signIn(deps, request.body, requestContext(request), requestSession(request)?.id);
      setSessionCookie(reply, deps.config, result.token);
      return { next: result.next, csrfToken: result.csrfToken };
    },
  );

  app.post(
    '/v1/session/second-factor',
    {
      schema: {
        tags,
        summary: 'Complete a pending sign-in with a TOTP code or a recovery code; issues a new session cookie',
        description:
          'A wrong code answers 401 `auth.invalid_code`. A pending sign-in takes at most 5 codes, however they arrive: the fifth wrong one, ' +
          'and any try after it, deletes the pending session and answers 401 `auth.challenge_expired` (sign in again with the password). ' +
          'Codes also count against the per-address limits (429 `auth.locked` with Retry-After).',
        body: SecondFactorBody,
        response: { 200: SessionIssuedSchema, ...credentialErrorResponses },
      },
    },
    async (request, reply) => {
      const pending = request.pendingSignIn;
      if (pending?.next !== 'second_factor') {
        throw new AppError(
          pending ? 'auth.enrolment_required' : 'auth.required',
          'No sign-in is waiting for a second factor',
        );
      }
      const issued = await completeSecondFactor(deps, pending, request.body, requestContext(request));
      setSessionCookie(reply, deps.config, issued.token);
      return { csrfToken: issued.csrfToken };
    },
  );

  app.delete(
    '/v1/session',
    {
      schema: {
        tags,
        summary: 'Sign out (also abandons a pending sign-in)',
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const session = requestSession(request);
      if (session) await signOut(deps, { sessionId: session.id, userId: session.userId }, requestContext(request));
      clearSessionCookie(reply, deps.config);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/v1/password-reset',
    {
      config: { csrf: false },
      schema: {
        tags,
        summary: 'Mail a password reset link (the same answer whether or not the address has a user)',
        body: Type.Object({ email: EmailLogin }, { additionalProperties: false }),
        response: { 202: Type.Object({}), ...errorResponses },
      },
    },
    async (request, reply) => {
      await requestPasswordReset(deps, request.body.email, requestContext(request));
      return reply.code(202).send({});
    },
  );

  app.post(
    '/v1/password-reset/confirm',
    {
      config: { csrf: false },
      schema: {
        tags,
        summary: 'Set a new password with the token from the reset link; ends every session, does not sign in',
        description: `Also ends a sign-in lock of the address. ${tokenLimitNote}`,
        body: Type.Object({ token: SecretToken, newPassword: PasswordInput }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...tokenErrorResponses },
      },
    },
    async (request, reply) => {
      const context = requestContext(request);
      await limitTokenGuesses(deps.database.db, context.ip, deps.clock.now(), () =>
        confirmPasswordReset(deps, request.body, context),
      );
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/v1/email-change/confirm',
    {
      config: { csrf: false },
      schema: {
        tags,
        summary: 'Confirm a new email address with the token mailed to it',
        description: tokenLimitNote,
        body: Type.Object({ token: SecretToken }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...tokenErrorResponses },
      },
    },
    async (request, reply) => {
      const context = requestContext(request);
      await limitTokenGuesses(deps.database.db, context.ip, deps.clock.now(), () =>
        confirmEmailChange(deps, request.body.token, context),
      );
      return reply.code(204).send(null);
    },
  );
}
