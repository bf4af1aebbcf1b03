import type { App } from '../../src/app.js';
import { type MailboxEntry, readMailbox } from '../../src/mail/mailbox.js';

/** A mailed link that carries a single-use secret in its fragment (`…#token=…`), as every Gatehouse link does. */
const tokenLink = /https?:\/\/\S+?#token=([A-Za-z0-9_-]+)/;

/** The first token link in a mail's text (or any text: an API answer's URL, an SMTP capture), or undefined. */
export function linkIn(text: string | null | undefined): { url: string; token: string } | undefined {
  const match = tokenLink.exec(text ?? '');
  return match ? { url: match[0], token: match[1] } : undefined;
}

/** The mails queued for `to` (of one template, when named), newest first, with their plain-text bodies. */
export async function mailsTo(app: App, to: string, template?: string): Promise<MailboxEntry[]> {
  const mails = await readMailbox(app.deps.database.db, app.deps.secretKey, { to, limit: 100 });
  return mails.filter((mail) => !template || mail.template === template);
}

/** The newest mail to `to` (of one template, when named), delivering what is due first. */
export async function latestMail(app: App, to: string, template?: string): Promise<MailboxEntry> {
  await app.deps.mail.drain();
  const [mail] = await mailsTo(app, to, template);
  if (!mail) throw new Error(`no ${template ?? ''} mail to ${to}`);
  return mail;
}

/** The link of the newest `template` mail to `to`, and the token it carries. */
export async function linkFromMail(app: App, to: string, template: string): Promise<{ url: string; token: string }> {
  const link = linkIn((await latestMail(app, to, template)).text);
  if (!link) throw new Error(`no link in the ${template} mail to ${to}`);
  return link;
}

/** The token of the link in the newest `template` mail to `to`. */
export async function tokenFromMail(app: App, to: string, template: string): Promise<string> {
  return (await linkFromMail(app, to, template)).token;
}
