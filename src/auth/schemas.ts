import { Type } from 'typebox';
import { errorResponses, ProblemSchema, Timestamp } from '../http/schemas.js';

// Long enough for any real password (256 after NFKC), short enough that nobody makes the
// server hash a megabyte.
export const PasswordInput = Type.String({ minLength: 1, maxLength: 1024 });
export const EmailInput = Type.String({ format: 'email', minLength: 3, maxLength: 320 });
/**
 * An address someone types to sign in or reset: the service trims and normalises it, and a
 * malformed one simply matches no user, so no format check here.
 */
export const EmailLogin = Type.String({ minLength: 1, maxLength: 320 });
export const TotpCode = Type.String({ pattern: '^[0-9]{6}$', description: 'Six digits from the authenticator app' });
export const RecoveryCode = Type.String({
  minLength: 16,
  maxLength: 64,
  description: 'One of the recovery codes, e.g. abcd-efgh-jkmn-pqrs',
});
export const SecretToken = Type.String({
  minLength: 20,
  maxLength: 200,
  pattern: '^[A-Za-z0-9_-]+$',
  description: 'The token from the link’s #token= fragment',
});

/** A second factor: `{code}` (TOTP, or a recovery code) or `{recoveryCode}`. */
export const SecondFactorBody = Type.Object(
  {
    code: Type.Optional(
      Type.String({
        minLength: 6,
        maxLength: 64,
        description: 'Six-digit TOTP code (a recovery code is accepted here too)',
      }),
    ),
    recoveryCode: Type.Optional(RecoveryCode),
  },
  { additionalProperties: false },
);

export const CsrfToken = Type.String({
  description: 'Send it in the x-csrf-token header of every state-changing request made with the session cookie',
});

export const SessionIssuedSchema = Type.Object({ csrfToken: CsrfToken });

export const SignInResponse = Type.Object({
  next: Type.Union([Type.Literal('second_factor'), Type.Literal('enrol_totp'), Type.Literal('done')], {
    description:
      'second_factor: POST /v1/session/second-factor; enrol_totp: POST /v1/me/totp then /v1/me/totp/confirm; done: signed in',
  }),
  csrfToken: CsrfToken,
});

export const StepUpResponse = Type.Object({ csrfToken: CsrfToken, expiresAt: Timestamp });

/** Error answers of routes that check credentials: those add 429 `auth.locked`. */
export const credentialErrorResponses = { ...errorResponses, 429: ProblemSchema } as const;

/** Error answers of routes that take a link's token: those add 429 `request.rate_limited`. */
export const tokenErrorResponses = { ...errorResponses, 429: ProblemSchema } as const;

export const tokenLimitNote =
  'Tokens that do not exist count per client IP: after 10 in 15 minutes, every token (a real one too) answers 429 `request.rate_limited` ' +
  'with Retry-After until the window ends.';
