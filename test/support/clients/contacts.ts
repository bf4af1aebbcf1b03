import type { App } from '../../../src/app.js';
import type { ContactTopic, ContactView } from '../../../src/contacts/service.js';
import { accountUrl, type Caller, type Page, send, type Wire } from './request.js';

export type Contact = Wire<ContactView>;

export interface ContactInput {
  email?: string;
  name?: string;
  topics?: ContactTopic[];
}

export const listContacts = (app: App, caller: Caller, accountId: string) =>
  send<Page<Contact>>(app, caller, 'GET', accountUrl(accountId, '/contacts'));

export const createContact = (app: App, caller: Caller, accountId: string, input: ContactInput & { email: string }) =>
  send<Contact>(app, caller, 'POST', accountUrl(accountId, '/contacts'), input);

export const updateContact = (app: App, caller: Caller, accountId: string, contactId: string, change: ContactInput) =>
  send<Contact>(app, caller, 'PATCH', accountUrl(accountId, `/contacts/${contactId}`), change);

export const deleteContact = (app: App, caller: Caller, accountId: string, contactId: string) =>
  send<undefined>(app, caller, 'DELETE', accountUrl(accountId, `/contacts/${contactId}`));
