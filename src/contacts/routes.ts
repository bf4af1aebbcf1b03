import { Type } from 'typebox';
import type { AppDeps } from '../app-deps.js';
import { accessOf } from '../http/account-scope.js';
import { AccountParams, errorResponses, Id, ListOf, SingleLineText, Timestamp } from '../http/schemas.js';
import type { TypedApp } from '../http/typed-app.js';
import * as contacts from './service.js';

const Topic = Type.Union([
  Type.Literal('billing'),
  Type.Literal('security'),
  Type.Literal('technical'),
  Type.Literal('general'),
]);
const ContactSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  topics: Type.Array(Topic),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
const ContactParams = Type.Object({ accountId: Id, contactId: Id });
const Email = Type.String({ format: 'email', maxLength: 320 });
const Name = SingleLineText({ maxLength: 200 });
const Topics = Type.Array(Topic, { maxItems: 10 });

export function registerContactRoutes(app: TypedApp, deps: AppDeps): void {
  const tags = ['contacts'];
  app.get(
    '/v1/accounts/:accountId/contacts',
    {
      schema: {
        tags,
        summary: 'People who receive account emails but cannot sign in',
        params: AccountParams,
        response: { 200: ListOf(ContactSchema), ...errorResponses },
      },
    },
    async (request) => ({ items: await contacts.listContacts(deps, accessOf(request)), nextCursor: null }),
  );
  app.post(
    '/v1/accounts/:accountId/contacts',
    {
      schema: {
        tags,
        summary: 'Add a contact',
        params: AccountParams,
        body: Type.Object(
          { email: Email, name: Type.Optional(Name), topics: Type.Optional(Topics) },
          { additionalProperties: false },
        ),
        response: { 201: ContactSchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await contacts.createContact(deps, accessOf(request), request.body)),
  );
  app.patch(
    '/v1/accounts/:accountId/contacts/:contactId',
    {
      schema: {
        tags,
        summary: 'Edit a contact',
        params: ContactParams,
        body: Type.Object(
          { email: Type.Optional(Email), name: Type.Optional(Name), topics: Type.Optional(Topics) },
          { additionalProperties: false },
        ),
        response: { 200: ContactSchema, ...errorResponses },
      },
    },
    async (request) => contacts.updateContact(deps, accessOf(request), request.params.contactId, request.body),
  );
  app.delete(
    '/v1/accounts/:accountId/contacts/:contactId',
    {
      schema: {
        tags,
        summary: 'Remove a contact',
        params: ContactParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await contacts.deleteContact(deps, accessOf(request), request.params.contactId);
      return reply.code(204).send(null);
    },
  );
}
