import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { waitFor } from '../../support/wait.js';

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  /** Every http(s) link in the text body, in order. */
  links: string[];
}

/** A real SMTP server on a free loopback port, keeping what Gatehouse sends. */
export interface SmtpInbox {
  url: string;
  mails: ReceivedMail[];
  /** The newest mail to `to` whose subject matches, waiting for it to arrive. */
  waitForMail(to: string, subject?: RegExp): Promise<ReceivedMail>;
  close(): Promise<void>;
}

function recipients(mail: ParsedMail): string[] {
  const to = [mail.to ?? []].flat();
  return to.flatMap((address) => address.value.map((entry) => (entry.address ?? '').toLowerCase()));
}

export async function startSmtpInbox(): Promise<SmtpInbox> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        const text = mail.text ?? '';
        for (const to of recipients(mail))
          mails.push({ to, subject: mail.subject ?? '', text, links: text.match(/https?:\/\/[^\s<>"]+/g) ?? [] });
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    waitForMail: (to, subject) =>
      waitFor(
        `a mail to ${to}${subject ? ` matching ${subject}` : ''}`,
        () => mails.findLast((mail) => mail.to === to.toLowerCase() && (!subject || subject.test(mail.subject))),
        { timeoutMs: 60_000 },
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
