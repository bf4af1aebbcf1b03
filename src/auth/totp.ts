import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

// RFC 6238 with the parameters every authenticator app understands: HMAC-SHA-1, 6 digits,
// 30-second steps (ASVS 5.0 V6.5.5: a TOTP lives at most 30 s, plus the drift below).
export const totpPeriodSeconds = 30;
export const totpDigits = 6;
/** ±1 step of clock drift between phone and server (RFC 6238 §5.2 recommends at most one). */
const driftSeconds = totpPeriodSeconds;
const issuer = 'Gatehouse';

/** A new 160-bit seed (RFC 4226 §4 recommends 160 bits), Base32, from a CSPRNG (ASVS 5.0 V6.5.3). */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The `otpauth://` URI an authenticator app scans; it contains the seed, so it is shown once. */
export function totpUri(secret: string, accountLabel: string): string {
  return generateURI({
    issuer,
    label: accountLabel,
    secret,
    algorithm: 'sha1',
    digits: totpDigits,
    period: totpPeriodSeconds,
  });
}

/** The URI as an SVG QR code, for the enrolment screen. */
export function totpQrCodeSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/**
 * The RFC 6238 time step `code` belongs to, judged by the server's clock (ASVS 5.0 V6.5.8),
 * or null when it is not valid within ±1 step. The caller must still record the step with a
 * conditional update so that the code is accepted only once (ASVS 5.0 V6.5.1).
 *
 * @example
 * const step = await totpStep(secret, '287082', clock.now());
 */
export async function totpStep(secret: string, code: string, now: Date): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  try {
    const result = await verify({
      secret,
      token: code,
      algorithm: 'sha1',
      digits: totpDigits,
      period: totpPeriodSeconds,
      epoch: Math.floor(now.getTime() / 1000),
      epochTolerance: driftSeconds,
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  } catch {
    return null;
  }
}
