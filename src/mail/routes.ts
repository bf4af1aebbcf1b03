import { Type } from 'typebox';
import type { AppDeps } from '../app-deps.js';
import { ListOf, Timestamp } from '../http/schemas.js';
import type { TypedApp } from '../http/typed-app.js';
import { readMailbox } from './mailbox.js';

/** The dev mailbox over HTTP: registered only when NODE_ENV=development. */
export function registerDevMailboxRoutes(app: TypedApp, deps: AppDeps): void {
  if (deps.config.env !== 'development') return;
  app.get(
    '/v1/dev/mailbox',
    {
      schema: {
        tags: ['development'],
        summary: 'Mail kept by the local dev mailbox (development only)',
        querystring: Type.Object(
          {
            to: Type.Optional(Type.String({ maxLength: 320 })),
            status: Type.Optional(
              Type.Union(
                [Type.Literal('pending'), Type.Literal('sending'), Type.Literal('delivered'), Type.Literal('failed')],
                { description: '`failed`: mail given up after retrying for 3 days' },
              ),
            ),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: ListOf(
            Type.Object({
              id: Type.String(),
              to: Type.String(),
              template: Type.String(),
              subject: Type.String(),
              status: Type.String(),
              transport: Type.Union([Type.String(), Type.Null()]),
              createdAt: Timestamp,
              text: Type.Union([Type.String(), Type.Null()]),
              attempts: Type.Integer(),
              lastError: Type.Union([Type.String(), Type.Null()]),
            }),
          ),
        },
      },
    },
    async (request) => ({
      items: await readMailbox(deps.database.db, deps.secretKey, request.query),
      nextCursor: null,
    }),
  );
}
