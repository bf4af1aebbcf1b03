import { type Static, Type } from 'typebox';
import { effectivePermissions } from '../authz/engine.js';
import { decide, keyBlocked } from '../access/guard.js';
import type { AppDeps } from '../app-deps.js';
import { accessOf } from '../http/account-scope.js';
import { requireActor } from '../http/actor.js';
import { errorResponses, GrantSchema, Id } from '../http/schemas.js';
import type { TypedApp } from '../http/typed-app.js';
import { AppError } from '../shared/app-error.js';
import type { FieldError } from '../shared/errors.js';
import { check, type CheckInput, checkMany, type ChecksDeps } from './service.js';

// One object with exactly one key rather than a union: the same contract, and a batch of
// 1,000 checks validates without trying three branches per item.
const Subject = Type.Unsafe<{ memberId: string } | { userId: string } | { apiKeyId: string }>(
  Type.Object(
    { memberId: Type.Optional(Id), userId: Type.Optional(Id), apiKeyId: Type.Optional(Id) },
    {
      additionalProperties: false,
      minProperties: 1,
      maxProperties: 1,
      description: 'Exactly one of memberId, userId, apiKeyId',
    },
  ),
);
const checkFields = {
  permission: Type.String({ minLength: 3, maxLength: 100 }),
  profileId: Type.Optional(Id),
  resource: Type.Optional(
    Type.Object(
      {
        type: Type.String({ minLength: 1, maxLength: 64 }),
        id: Type.String({ minLength: 1, maxLength: 200 }),
        ownerMemberId: Type.Optional(
          Type.Union([Id, Type.Null()], {
            description: 'Who owns it, if you know (null: nobody). A registered resource’s own owner wins over this.',
          }),
        ),
        profileId: Type.Optional(
          Type.Union([Id, Type.Null()], {
            description:
              'The profile it belongs to, if you know (null: none). Lets a check scope a resource that was never registered; a registered resource’s own profile wins over this, so a caller cannot move a resource into a member’s scope.',
          }),
        ),
      },
      {
        additionalProperties: false,
        description:
          'The record the action is on. Registered resources (PUT /v1/accounts/{id}/resources/…) are known in memory: their profile and owner are used whatever the body says. An unregistered one is taken as described here.',
      },
    ),
  ),
};
export const CheckBody = Type.Object(
  { accountId: Id, subject: Subject, ...checkFields },
  { additionalProperties: false },
);
/**
 * A batch may name the account and the subject once for all its checks (the usual "what may
 * this member do on this page?"); a check that names its own wins.
 */
export const CheckBatchBody = Type.Object(
  {
    accountId: Type.Optional(Id),
    subject: Type.Optional(Subject),
    checks: Type.Array(
      Type.Object(
        { accountId: Type.Optional(Id), subject: Type.Optional(Subject), ...checkFields },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);
type CheckBatch = Static<typeof CheckBatchBody>;

/**
 * Each check with the batch's account and subject filled in; 400 naming the checks (the
 * first 20) that lack either.
 */
function batchChecks(batch: CheckBatch): CheckInput[] {
  const errors: FieldError[] = [];
  const checks = batch.checks.map((item, index) => {
    const accountId = item.accountId ?? batch.accountId;
    const subject = item.subject ?? batch.subject;
    if (accountId === undefined)
      errors.push({ field: `body/checks/${index}/accountId`, message: 'is required here or once for the batch' });
    if (subject === undefined)
      errors.push({ field: `body/checks/${index}/subject`, message: 'is required here or once for the batch' });
    // One fixed shape for every check keeps the decision path monomorphic; a spread would
    // give the checks as many shapes as the bodies had (bench/README.md).
    return {
      accountId: accountId!,
      subject: subject!,
      permission: item.permission,
      profileId: item.profileId,
      resource: item.resource,
    };
  });
  if (errors.length > 0)
    throw new AppError('request.invalid', 'Every check needs an account and a subject', {
      errors: errors.slice(0, 20),
    });
  return checks;
}

export const CheckResultSchema = Type.Object({
  allowed: Type.Boolean(),
  reason: Type.String({
    description: '`granted`, or why not: unknown_permission, member_not_active, permission_not_granted, …',
  }),
  scope: Type.Optional(
    Type.Unsafe<'all' | 'own'>({
      type: 'string',
      enum: ['all', 'own'],
      description: '`own`: allowed on the subject’s own records only',
    }),
  ),
});

/** The platform, or an API key whose member may still use keys. */
async function requireChecker(deps: AppDeps, request: Parameters<typeof requireActor>[0]) {
  const actor = requireActor(request);
  if (actor.type === 'user')
    throw new AppError('authz.forbidden', 'Authorization checks take the platform token or an API key');
  if (actor.type === 'api_key') {
    const member = await deps.access.member(actor.memberId);
    if (!member || keyBlocked(member)) throw new AppError('authz.forbidden', 'This API key cannot act');
  }
  return actor;
}

export function registerCheckRoutes(app: TypedApp, deps: AppDeps & ChecksDeps): void {
  const tags = ['authorization'];

  app.post(
    '/v1/authz/check',
    {
      schema: {
        tags,
        summary: 'May this subject do this? (platform token or API key)',
        body: CheckBody,
        response: { 200: CheckResultSchema, ...errorResponses },
      },
    },
    async (request) => check(deps, await requireChecker(deps, request), request.body),
  );

  app.post(
    '/v1/authz/check-batch',
    {
      schema: {
        tags,
        summary: 'Up to 1,000 decisions in one call, answered in order',
        body: CheckBatchBody,
        response: { 200: Type.Object({ results: Type.Array(CheckResultSchema) }), ...errorResponses },
      },
      // 1,000 checks with resources can exceed the default 64 KiB.
      bodyLimit: 1024 * 1024,
    },
    async (request) => {
      const caller = await requireChecker(deps, request);
      // Answered from memory where possible; only the rest (first loads) wait, sharing the
      // batch's subject resolution.
      return { results: await checkMany(deps, caller, batchChecks(request.body)) };
    },
  );
}

/** A member's effective permissions, inside the account scope. */
export function registerPermissionRoutes(app: TypedApp, deps: AppDeps & ChecksDeps): void {
  const tags = ['authorization'];

  app.get(
    '/v1/accounts/:accountId/members/:memberId/permissions',
    {
      schema: {
        tags,
        summary: 'A member’s effective permissions with their scopes (users.view, or yourself)',
        params: Type.Object({ accountId: Id, memberId: Id }),
        response: {
          200: Type.Object({
            memberId: Type.String(),
            status: Type.String(),
            isOwner: Type.Boolean(),
            permissions: Type.Array(GrantSchema),
            profileIds: Type.Union([Type.Array(Type.String()), Type.Null()]),
            resourceScope: Type.Record(Type.String(), Type.Array(Type.String())),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const access = accessOf(request);
      const self = access.member?.snapshot.memberId === request.params.memberId;
      if (!self && !decide(access, 'users.view').allowed)
        throw new AppError('authz.forbidden', 'You need the users.view permission');
      const member = await deps.access.member(request.params.memberId);
      if (!member || member.snapshot.accountId !== access.accountId) throw new AppError('member.not_found');
      const { snapshot } = member;
      return {
        memberId: snapshot.memberId,
        status: snapshot.status,
        isOwner: snapshot.isOwner,
        permissions: effectivePermissions(deps.catalog, snapshot),
        profileIds: snapshot.profileIds ? [...snapshot.profileIds] : null,
        resourceScope: Object.fromEntries([...snapshot.resourceScope].map(([type, ids]) => [type, [...ids]])),
      };
    },
  );
}
