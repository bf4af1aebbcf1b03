import type { App } from '../../../src/app.js';
import type { MeView } from '../../../src/me/service.js';
import { type Caller, send } from './request.js';

export type Me = MeView & { csrfToken: string };

/** GET /v1/me: the signed-in person and their memberships (401 once the session is over). */
export const getMe = (app: App, caller: Caller) => send<Me>(app, caller, 'GET', '/v1/me');

export const updateMe = (app: App, caller: Caller, change: { name: string } & Record<string, unknown>) =>
  send<Me>(app, caller, 'PATCH', '/v1/me', change);

/** PUT /v1/me/password: 204, and every other session of the person ends. */
export const changePassword = (app: App, caller: Caller, body: { currentPassword: string; newPassword: string }) =>
  send<undefined>(app, caller, 'PUT', '/v1/me/password', body);
