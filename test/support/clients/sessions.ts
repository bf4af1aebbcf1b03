import type { App } from '../../../src/app.js';
import type { SessionView } from '../../../src/sessions/service.js';
import { type Caller, type Page, send, type Wire } from './request.js';

export type Session = Wire<SessionView>;

/** GET /v1/me/sessions: the caller's live, fully signed-in sessions. */
export const listSessions = (app: App, caller: Caller) => send<Page<Session>>(app, caller, 'GET', '/v1/me/sessions');

/** DELETE /v1/me/sessions/{id}: 204 whether or not the id was one of the caller's. */
export const revokeSession = (app: App, caller: Caller, sessionId: string) =>
  send<undefined>(app, caller, 'DELETE', `/v1/me/sessions/${sessionId}`);

/** DELETE /v1/me/sessions: every session of the caller but the current one. */
export const revokeOtherSessions = (app: App, caller: Caller) =>
  send<undefined>(app, caller, 'DELETE', '/v1/me/sessions');
