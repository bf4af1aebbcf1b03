import type { App } from '../../src/app.js';
import { readMailbox } from '../../src/mail/mailbox.js';

/** The newest mail to `to` (delivering what is due first), with its text body. */
export async function latestMail(app: App, to: string, template?: string) {
  await app.deps.mail.drain();
  const entries = await readMailbox(app.deps.database.db, app.deps.secretKey, { to, limit: 50 });
  const entry = entries.find((candidate) => !template || candidate.template === template);
  if (!entry) throw new Error(`no ${template ?? ''} mail to ${to}`);
  return entry;
}

/** The secret a mailed link carries in its fragment (`…#token=…`). */
export async function tokenFromMail(app: App, to: string, template: string): Promise<string> {
  const mail = await latestMail(app, to, template);
  const match = /#token=([A-Za-z0-9_-]+)/.exec(mail.text ?? '');
  if (!match) throw new Error(`no link in the ${template} mail to ${to}`);
  return match[1];
}
