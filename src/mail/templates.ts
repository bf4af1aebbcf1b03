/** Every email Gatehouse sends, with the data each one needs. */
export type MailMessage =
  | {
      template: 'invitation';
      data: { accountName: string; inviterName: string; roleName: string; token: string; expiresAt: string };
    }
  | { template: 'password_reset'; data: { token: string; expiresAt: string } }
  | { template: 'email_change_verify'; data: { token: string; newEmail: string; expiresAt: string } }
  | { template: 'email_change_notice'; data: { newEmail: string } }
  | { template: 'security_new_sign_in'; data: { at: string; ip: string | null; userAgent: string | null } }
  | {
      template: 'security_two_factor_changed';
      data: { change: 'enrolled' | 'reset' | 'recovery_codes_regenerated'; at: string };
    }
  | { template: 'security_password_changed'; data: { at: string } }
  | {
      template: 'security_sign_in_locked';
      data: { failures: number; lockedUntil: string; ip: string | null; token: string; expiresAt: string };
    }
  | { template: 'ownership_transfer'; data: { accountName: string; fromName: string } };

export type TemplateName = MailMessage['template'];

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/**
 * The links people follow. Built only from PUBLIC_URL, never from a request's Host header
 * (which an attacker controls); the secret rides in the fragment, which browsers never send
 * to a server, so it cannot land in access logs or Referer headers.
 */
export const mailLinks = {
  invitation: (publicUrl: string, token: string) => `${publicUrl}/invitations/accept#token=${token}`,
  passwordReset: (publicUrl: string, token: string) => `${publicUrl}/password-reset#token=${token}`,
  emailChange: (publicUrl: string, token: string) => `${publicUrl}/email-change#token=${token}`,
  securitySettings: (publicUrl: string) => `${publicUrl}/me/security`,
};

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** Keeps names on one line in subjects and plain text (no header or layout injection). */
function oneLine(value: string): string {
  return (
    value
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f]+/g, ' ')
      .trim()
      .slice(0, 200)
  );
}

function layout(
  title: string,
  paragraphs: string[],
  action?: { label: string; url: string },
): { text: string; html: string } {
  const text = [
    title,
    '',
    ...paragraphs,
    ...(action ? ['', `${action.label}: ${action.url}`] : []),
    '',
    '— Gatehouse',
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;max-width:560px;margin:auto;color:#1f2328">',
    `<h1 style="font-size:20px">${escapeHtml(title)}</h1>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    action
      ? `<p><a href="${escapeHtml(action.url)}" style="background:#1f6feb;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(action.label)}</a></p><p style="font-size:12px;color:#57606a">Or paste this address into your browser: ${escapeHtml(action.url)}</p>`
      : '',
    '<p style="font-size:12px;color:#57606a">— Gatehouse</p></body></html>',
  ].join('');
  return { text, html };
}

const when = (iso: string) => new Date(iso).toUTCString();

/** Renders a message to its subject, plain text and HTML (every interpolated value escaped). */
export function renderMail(message: MailMessage, publicUrl: string): RenderedMail {
  switch (message.template) {
    case 'invitation': {
      const d = message.data;
      const title = `${oneLine(d.inviterName)} invited you to ${oneLine(d.accountName)}`;
      return {
        subject: `You're invited to join ${oneLine(d.accountName)}`,
        ...layout(
          title,
          [
            `You have been invited as ${oneLine(d.roleName)}.`,
            'To accept, set a password and set up two-factor authentication.',
            `This invitation expires ${when(d.expiresAt)}. If you did not expect it, ignore this email.`,
          ],
          { label: 'Accept invitation', url: mailLinks.invitation(publicUrl, d.token) },
        ),
      };
    }
    case 'password_reset':
      return {
        subject: 'Reset your Gatehouse password',
        ...layout(
          'Reset your password',
          [
            'Someone asked to reset the password of this account.',
            `The link works once, until ${when(message.data.expiresAt)}. It does not sign you in: you will still need your second factor.`,
            'If it was not you, ignore this email; your password stays as it is.',
          ],
          { label: 'Choose a new password', url: mailLinks.passwordReset(publicUrl, message.data.token) },
        ),
      };
    case 'email_change_verify':
      return {
        subject: 'Confirm your new email address',
        ...layout(
          'Confirm your new email address',
          [
            `Confirm that ${oneLine(message.data.newEmail)} should become your sign-in address.`,
            `The link works once, until ${when(message.data.expiresAt)}.`,
          ],
          { label: 'Confirm this address', url: mailLinks.emailChange(publicUrl, message.data.token) },
        ),
      };
    case 'email_change_notice':
      return {
        subject: 'Your sign-in email address was changed',
        ...layout('Your email address was changed', [
          `Your Gatehouse sign-in address is now ${oneLine(message.data.newEmail)}.`,
          'If you did not do this, contact your account administrator at once.',
        ]),
      };
    case 'security_new_sign_in':
      return {
        subject: 'New sign-in to your Gatehouse account',
        ...layout(
          'New sign-in',
          [
            `Someone signed in to your account on ${when(message.data.at)}.`,
            `From ${oneLine(message.data.ip ?? 'an unknown address')} using ${oneLine(message.data.userAgent ?? 'an unknown browser')}.`,
            'If it was not you, change your password and review your sessions.',
          ],
          { label: 'Review your sessions', url: mailLinks.securitySettings(publicUrl) },
        ),
      };
    case 'security_two_factor_changed': {
      const what = {
        enrolled: 'Two-factor authentication was set up',
        reset: 'Two-factor authentication was reset',
        recovery_codes_regenerated: 'New recovery codes were generated',
      }[message.data.change];
      return {
        subject: `${what} on your account`,
        ...layout(
          what,
          [`${what} on ${when(message.data.at)}.`, 'If it was not you, contact your account administrator at once.'],
          { label: 'Review your security settings', url: mailLinks.securitySettings(publicUrl) },
        ),
      };
    }
    case 'security_password_changed':
      return {
        subject: 'Your Gatehouse password was changed',
        ...layout(
          'Your password was changed',
          [
            `Your password was changed on ${when(message.data.at)}. Your other sessions were signed out.`,
            'If it was not you, reset your password now.',
          ],
          { label: 'Review your security settings', url: mailLinks.securitySettings(publicUrl) },
        ),
      };
    case 'security_sign_in_locked': {
      const d = message.data;
      return {
        subject: 'Sign-in to your Gatehouse account was locked',
        ...layout(
          'Sign-in was locked',
          [
            `After ${d.failures} failed sign-in attempts (the latest from ${oneLine(d.ip ?? 'an unknown address')}), sign-in with your password is locked until ${when(d.lockedUntil)}.`,
            `If this was not you, someone may be guessing your password: choose a new one with the link below. It also ends the lock, works once, until ${when(d.expiresAt)}, and does not sign you in: you will still need your second factor.`,
            'If it was you, you can also just wait, or reset your password.',
          ],
          { label: 'Choose a new password', url: mailLinks.passwordReset(publicUrl, d.token) },
        ),
      };
    }
    case 'ownership_transfer':
      return {
        subject: `You are offered ownership of ${oneLine(message.data.accountName)}`,
        ...layout(`Become the owner of ${oneLine(message.data.accountName)}`, [
          `${oneLine(message.data.fromName)} offers you ownership of the account.`,
          'Sign in and accept it in the account settings; you will confirm with your second factor.',
        ]),
      };
  }
}
