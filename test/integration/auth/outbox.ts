import type { App } from '../../../src/app.js';
import { readMailbox } from '../../../src/mail/mailbox.js';

/** The mails of one template queued for an address, newest first, with their plain-text bodies. */
export async function mailsTo(
  app: App,
  to: string,
  template: string,
): Promise<{ text: string | null; subject: string }[]> {
  const mails = await readMailbox(app.deps.database.db, app.deps.secretKey, { to, limit: 100 });
  return mails.filter((mail) => mail.template === template);
}

/** The token of the newest link of that template mailed to the address (links carry it in `#token=`). */
export async function mailedToken(
  app: App,
  to: string,
  template: 'password_reset' | 'email_change_verify',
): Promise<string> {
  const [mail] = await mailsTo(app, to, template);
  const token = /#token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? '')?.[1];
  if (!token) throw new Error(`no ${template} mail with a link for ${to}`);
  return token;
}
