import { Type } from 'typebox';
import type { AppDeps } from '../app-deps.js';
import { accessOf } from '../http/account-scope.js';
import { AccountParams, errorResponses, Id, Timestamp } from '../http/schemas.js';
import { stepUpGate } from '../http/sensitive.js';
import type { TypedApp } from '../http/typed-app.js';
import * as ownership from './service.js';

const TransferSchema = Type.Object({
  id: Type.String(),
  fromMemberId: Type.String(),
  toMemberId: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('accepted'), Type.Literal('cancelled')]),
  expiresAt: Timestamp,
  createdAt: Timestamp,
});

export function registerOwnershipRoutes(app: TypedApp, deps: AppDeps & ownership.OwnershipDeps): void {
  const tags = ['ownership'];
  const url = '/v1/accounts/:accountId/ownership-transfer';

  app.post(
    url,
    {
      schema: {
        tags,
        summary: 'The owner offers ownership to an active member (owner + step-up + confirm)',
        description:
          'A new offer to another member replaces the pending one. 409 `transfer.pending` when this member already has a pending offer (also for every loser of a burst of parallel offers: one offer, one mail); 409 `member.not_active`.',
        params: AccountParams,
        body: Type.Object({ memberId: Id, confirm: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 201: TransferSchema, ...errorResponses },
      },
      preValidation: stepUpGate(deps.clock),
    },
    async (request, reply) => {
      const access = accessOf(request);
      return reply.code(201).send(await ownership.offerOwnership(deps, access, request.body.memberId));
    },
  );

  app.get(
    url,
    {
      schema: {
        tags,
        summary: 'The pending offer, to the owner and the offered member',
        params: AccountParams,
        response: { 200: Type.Object({ transfer: Type.Union([TransferSchema, Type.Null()]) }), ...errorResponses },
      },
    },
    async (request) => ({ transfer: await ownership.pendingTransfer(deps, accessOf(request)) }),
  );

  app.delete(
    url,
    {
      schema: {
        tags,
        summary: 'The owner withdraws the offer',
        params: AccountParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await ownership.cancelOwnershipOffer(deps, accessOf(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    `${url}/accept`,
    {
      schema: {
        tags,
        summary: 'The offered member accepts; the old owner becomes an Administrator (step-up + confirm)',
        params: AccountParams,
        body: Type.Object({ confirm: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: TransferSchema, ...errorResponses },
      },
      preValidation: stepUpGate(deps.clock),
    },
    async (request) => {
      const access = accessOf(request);
      return ownership.acceptOwnership(deps, access);
    },
  );
}
