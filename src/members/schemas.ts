import { Type } from 'typebox';
import { GrantSchema, Id, Nullable, SingleLineText, Timestamp } from '../http/schemas.js';

export const MemberSchema = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  name: Type.String(),
  email: Type.String(),
  status: Type.Union([
    Type.Literal('invited'),
    Type.Literal('active'),
    Type.Literal('inactive'),
    Type.Literal('removed'),
  ]),
  isOwner: Type.Boolean(),
  role: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
  permissions: Nullable(Type.Array(GrantSchema)),
  profileIds: Nullable(Type.Array(Type.String())),
  resourceScope: Type.Record(Type.String(), Type.Array(Type.String())),
  flags: Type.Record(Type.String(), Type.Boolean()),
  identity: Type.Object({
    idType: Nullable(Type.String()),
    idNumber: Nullable(Type.String()),
    phone: Nullable(Type.String()),
  }),
  twoFactorEnabled: Type.Boolean(),
  lastSignInAt: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

/** A row of the users list; the rest is in the member's details. */
export const MemberSummarySchema = Type.Pick(MemberSchema, [
  'id',
  'userId',
  'name',
  'email',
  'status',
  'isOwner',
  'role',
  'profileIds',
  'twoFactorEnabled',
  'lastSignInAt',
  'createdAt',
]);

export const MemberParams = Type.Object({ accountId: Id, memberId: Id });
export const MemberStatus = Type.Union([
  Type.Literal('invited'),
  Type.Literal('active'),
  Type.Literal('inactive'),
  Type.Literal('removed'),
]);
export const ListFilters = {
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Prefix of the name or email, case-insensitive' })),
  status: Type.Optional(MemberStatus),
  roleId: Type.Optional(Type.String({ maxLength: 100, description: 'A role id, `builtin:<key>`, or `individual`' })),
  profileId: Type.Optional(Id),
  sort: Type.Optional(
    Type.String({ maxLength: 20, description: '`name`, `email`, `createdAt`; prefix `-` for descending' }),
  ),
};
export const ResourcesScope = Type.Record(
  Type.String({ pattern: '^[a-z0-9_]+$', maxLength: 64 }),
  Type.Array(SingleLineText({ minLength: 1, maxLength: 200 }), { maxItems: 1000 }),
);
export const ProfileIds = Nullable(Type.Array(Id, { maxItems: 500 }));
export const Flags = Type.Record(Type.String({ pattern: '^[A-Za-z0-9_]+$', maxLength: 64 }), Type.Boolean());
export const Identity = Type.Object(
  {
    idType: Type.Optional(SingleLineText({ minLength: 1, maxLength: 50 })),
    idNumber: Type.Optional(SingleLineText({ minLength: 1, maxLength: 100 })),
    phone: Type.Optional(SingleLineText({ minLength: 3, maxLength: 50 })),
  },
  { additionalProperties: false },
);
export const ConfirmBody = Type.Object({ confirm: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
/**
 * The explicit confirmation of a sensitive action; without it the answer is 400
 * `request.confirmation_required`.
 */
export const ConfirmTrue = Type.Literal(true, {
  description: 'Must be true: the explicit confirmation of this sensitive action',
});
