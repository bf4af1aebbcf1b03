import type { Db } from '../db/database.js';
import { AppError } from '../shared/app-error.js';
import type { RequestContext } from '../shared/context.js';
import { type IdentityAction, recordSecurityEvent } from './events.js';
import { consumeRecoveryCode } from './recovery-codes.js';
import { claimTotpStep, type UserCredentialsRow } from './store.js';
import { reserveAttempt } from './throttle.js';
import { openTotpSecret } from './totp-seed.js';
import { totpStep } from './totp.js';

/** A second factor as posted: a TOTP code, or a recovery code (in `recoveryCode`, or in `code` when it is not six digits). */
export interface SecondFactorInput {
  code?: string | undefined;
  recoveryCode?: string | undefined;
}

export type SecondFactorMethod = 'totp' | 'recovery_code';

/** 400 unless exactly one factor is given; checked before an attempt is counted. */
export function assertOneFactor(input: SecondFactorInput): void {
  if ((input.code === undefined) === (input.recoveryCode === undefined)) {
    throw new AppError('request.invalid', 'Send either a code or a recovery code', {
      errors: [{ field: 'body', message: 'must have exactly one of code, recoveryCode' }],
    });
  }
}

/**
 * Verifies the user's second factor and uses it up: a TOTP code's time step is claimed (never
 * accepted twice), a recovery code is spent. Returns how it was verified, or null. The caller
 * has reserved a throttle attempt first.
 */
export async function verifySecondFactor(
  db: Db,
  secretKey: Buffer,
  user: UserCredentialsRow,
  input: SecondFactorInput,
  now: Date,
): Promise<SecondFactorMethod | null> {
  const recoveryCode = input.recoveryCode ?? (input.code !== undefined && !/^\d{6}$/.test(input.code) ? input.code : undefined);
  if (recoveryCode !== undefined) {
    return (await consumeRecoveryCode(db, user.id, recoveryCode, now)) ? 'recovery_code' : null;
  }
  if (user.totp_secret_encrypted === null || input.code === undefined) return null;
  const step = await totpStep(openTotpSecret(secretKey, user.id, user.totp_secret_encrypted), input.code, now);
  if (step === null) return null;
  return (await claimTotpStep(db, user.id, step)) ? 'totp' : null;
}

/**
 * The second factor of a sign-in or a step-up: counts a brute-force attempt first, then
 * verifies; a wrong factor is logged as `failedAction` and answered 401 `auth.invalid_code`.
 */
export async function verifyCountedSecondFactor(
  db: Db,
  secretKey: Buffer,
  user: UserCredentialsRow,
  input: SecondFactorInput,
  context: RequestContext,
  now: Date,
  failedAction: Extract<IdentityAction, 'session.sign_in_failed' | 'session.step_up_failed'>,
): Promise<SecondFactorMethod> {
  await reserveAttempt(db, { email: user.email, ip: context.ip }, now);
  const method = await verifySecondFactor(db, secretKey, user, input, now);
  if (!method) {
    await recordSecurityEvent(db, { action: failedAction, userId: user.id, outcome: 'failure', method: input.recoveryCode ? 'recovery_code' : 'totp', context, at: now });
    throw new AppError('auth.invalid_code');
  }
  return method;
}
