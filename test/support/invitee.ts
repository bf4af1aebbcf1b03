import { generate } from 'otplib';
import type { App } from '../../src/app.js';
import { tokenFromMail } from './mailbox.js';
import { sessionTokenFrom, testPassword } from './users.js';
import { sessionCookieName } from '../../src/sessions/http.js';

export interface AcceptedInvitee {
  memberId: string;
  accountId: string;
  totpSecret: string;
  recoveryCodes: string[];
  headers: { cookie: string; 'x-csrf-token': string };
}

/**
 * The invited person's whole journey, through HTTP only: the link from the email, a name
 * and password, TOTP enrolment with a code from their authenticator app.
 */
export async function acceptInvitationAsNewUser(
  app: App,
  email: string,
  options: { name?: string; password?: string } = {},
): Promise<AcceptedInvitee> {
  const token = await tokenFromMail(app, email, 'invitation');
  const accept = await app.inject({
    method: 'POST',
    url: '/v1/invitations/accept',
    payload: { token, name: options.name ?? 'New Teammate', password: options.password ?? testPassword },
  });
  if (accept.statusCode !== 200) throw new Error(`accept failed: ${accept.statusCode} ${accept.body}`);
  const cookieName = sessionCookieName(app.deps.config);
  let headers = {
    cookie: `${cookieName}=${sessionTokenFrom(app, accept)!}`,
    'x-csrf-token': accept.json().csrfToken as string,
  };
  const start = await app.inject({ method: 'POST', url: '/v1/me/totp', headers });
  if (start.statusCode !== 200) throw new Error(`enrolment failed: ${start.statusCode} ${start.body}`);
  const totpSecret = new URL(start.json().otpauthUri).searchParams.get('secret')!;
  const code = await generate({ secret: totpSecret, epoch: Math.floor(app.deps.clock.now().getTime() / 1000) });
  const confirm = await app.inject({ method: 'POST', url: '/v1/me/totp/confirm', headers, payload: { code } });
  if (confirm.statusCode !== 200) throw new Error(`confirm failed: ${confirm.statusCode} ${confirm.body}`);
  headers = {
    cookie: `${cookieName}=${sessionTokenFrom(app, confirm)!}`,
    'x-csrf-token': confirm.json().csrfToken as string,
  };
  return {
    memberId: accept.json().memberId,
    accountId: accept.json().accountId,
    totpSecret,
    recoveryCodes: confirm.json().recoveryCodes,
    headers,
  };
}
