import type { Db } from '../db/database.js';
import { AppError } from '../shared/app-error.js';
import type { RequestContext } from '../shared/context.js';
import { type FailedAction, recordFailedAttempt, reserveAttempt } from './attempts.js';
import type { IdentityDeps } from './deps.js';
import { consumeRecoveryCode } from './recovery-codes.js';
import { claimTotpStep, type UserCredentialsRow } from './store.js';
import { openTotpSecret } from './totp-seed.js';
import { totpStep } from './totp.js';

/**
 * A second factor as posted: a TOTP code, or a recovery code (in `recoveryCode`, or in `code`
 * when it is not six digits).
 */
export interface SecondFactorInput {
  code?: string | undefined;
  recoveryCode?: string | undefined;
}

export type SecondFactorMethod = 'totp' | 'recovery_code';

/**
 * 401 `auth.invalid_code`. `replayed` says the TOTP code was right but its time step was
 * already used: of parallel requests carrying one code, all but one fail this way, and
 * they must not end the sign-in that the one is completing.
 */
export class InvalidCodeError extends AppError {
  constructor(readonly replayed: boolean) {
    super('auth.invalid_code');
  }
}

/** 400 unless exactly one factor is given; checked before an attempt is counted. */
export function assertOneFactor(input: SecondFactorInput): void {
  if ((input.code === undefined) === (input.recoveryCode === undefined)) {
    throw new AppError('request.invalid', 'Send either a code or a recovery code', {
      errors: [{ field: 'body', message: 'must have exactly one of code, recoveryCode' }],
    });
  }
}

/** The recovery code posted, in `recoveryCode` or in `code` (anything but six digits), if any. */
function recoveryCodeOf(input: SecondFactorInput): string | undefined {
  return input.recoveryCode ?? (input.code !== undefined && !/^\d{6}$/.test(input.code) ? input.code : undefined);
}

/**
 * Verifies the user's second factor and uses it up: a TOTP code's time step is claimed (never
 * accepted twice), a recovery code is spent. Returns how it was verified, `'replayed'` for a
 * right TOTP code whose step was used already, or null. The caller has reserved a throttle
 * attempt first.
 */
export async function verifySecondFactor(
  db: Db,
  secretKey: Buffer,
  user: UserCredentialsRow,
  input: SecondFactorInput,
  now: Date,
): Promise<SecondFactorMethod | 'replayed' | null> {
  const recoveryCode = recoveryCodeOf(input);
  if (recoveryCode !== undefined) {
    return (await consumeRecoveryCode(db, user.id, recoveryCode, now)) ? 'recovery_code' : null;
  }
  if (user.totp_secret_encrypted === null || input.code === undefined) return null;
  const step = await totpStep(openTotpSecret(secretKey, user.id, user.totp_secret_encrypted), input.code, now);
  if (step === null) return null;
  return (await claimTotpStep(db, user.id, step)) ? 'totp' : 'replayed';
}

/**
 * The second factor of a sign-in or a step-up: counts a brute-force attempt first, then
 * verifies; a wrong factor is logged as `failedAction` and answered 401 `auth.invalid_code`.
 */
export async function verifyCountedSecondFactor(
  deps: IdentityDeps,
  user: UserCredentialsRow,
  input: SecondFactorInput,
  context: RequestContext,
  failedAction: Extract<FailedAction, 'session.sign_in_failed' | 'session.step_up_failed'>,
): Promise<SecondFactorMethod> {
  const attempt = await reserveAttempt(deps, { email: user.email, ip: context.ip }, failedAction, context);
  const method = await verifySecondFactor(deps.database.db, deps.secretKey, user, input, attempt.at);
  if (method === null || method === 'replayed') {
    // The factor tried, as verifySecondFactor read it: a recovery code may come in `code`.
    await recordFailedAttempt(deps, attempt, user, recoveryCodeOf(input) !== undefined ? 'recovery_code' : 'totp');
    throw new InvalidCodeError(method === 'replayed');
  }
  return method;
}
