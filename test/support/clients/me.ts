import type { App } from '../../../src/app.js';
import type { MeView } from '../../../src/me/service.js';
import { anonymous, type Caller, send } from './request.js';

export type Me = MeView & { csrfToken: string };

/** GET /v1/me: the signed-in person and their memberships (401 once the session is over). */
export const getMe = (app: App, caller: Caller) => send<Me>(app, caller, 'GET', '/v1/me');

export const updateMe = (app: App, caller: Caller, change: { name: string } & Record<string, unknown>) =>
  send<Me>(app, caller, 'PATCH', '/v1/me', change);

/** PUT /v1/me/password: 204, and every other session of the person ends. */
export const changePassword = (app: App, caller: Caller, body: { currentPassword: string; newPassword: string }) =>
  send<undefined>(app, caller, 'PUT', '/v1/me/password', body);

/** POST /v1/me/totp: starts enrolment (also what a pending sign-in without 2FA may do). */
export const startTotpEnrolment = (app: App, caller: Caller) =>
  send<{ otpauthUri: string; qrCodeSvg: string }>(app, caller, 'POST', '/v1/me/totp');

/** POST /v1/me/totp/confirm: turns TOTP on; a sign-in it completes gets a new session cookie and CSRF token. */
export const confirmTotpEnrolment = (app: App, caller: Caller, code: string) =>
  send<{ recoveryCodes: string[]; csrfToken?: string }>(app, caller, 'POST', '/v1/me/totp/confirm', { code });

/** DELETE /v1/me/totp (step-up and confirmed): 2FA off, the other sessions ended. */
export const disableTotp = (app: App, caller: Caller) =>
  send<undefined>(app, caller, 'DELETE', '/v1/me/totp', { confirm: true });

/** POST /v1/me/recovery-codes (confirmed): a new set, the old one void. */
export const newRecoveryCodes = (app: App, caller: Caller) =>
  send<{ recoveryCodes: string[] }>(app, caller, 'POST', '/v1/me/recovery-codes', { confirm: true });

/** POST /v1/me/step-up with a TOTP `code` or a `recoveryCode`; a new session cookie on success. */
export const stepUpWith = (app: App, caller: Caller, factor: { code: string } | { recoveryCode: string }) =>
  send<{ csrfToken: string; expiresAt: string }>(app, caller, 'POST', '/v1/me/step-up', factor);

/** POST /v1/me/email-change (step-up, confirmed unless `confirm: false`): mails a link to the new address. */
export const requestEmailChange = (app: App, caller: Caller, newEmail: string, confirm = true) =>
  send<Record<string, never>>(
    app,
    caller,
    'POST',
    '/v1/me/email-change',
    confirm ? { newEmail, confirm } : { newEmail },
  );

/** POST /v1/email-change/confirm: the mailed link's token applies the change (anyone holding it). */
export const confirmEmailChange = (app: App, token: string) =>
  send<undefined>(app, anonymous, 'POST', '/v1/email-change/confirm', { token });
