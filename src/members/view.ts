import type { Catalog, Grant } from '../catalog/catalog.js';
import { builtinRolePrefix } from '../roles/service.js';
import { isoTimestamp } from '../shared/iso-time.js';
import type { MemberListRow, MemberRow, MemberStatus } from './store.js';

export interface MemberView {
  id: string;
  userId: string;
  name: string;
  email: string;
  status: MemberStatus;
  isOwner: boolean;
  /** The named role; null when the member holds an individual permission set. */
  role: { id: string; name: string } | null;
  /** The individual permission set, when there is no named role. */
  permissions: Grant[] | null;
  profileIds: string[] | null;
  resourceScope: Record<string, string[]>;
  flags: Record<string, boolean>;
  identity: { idType: string | null; idNumber: string | null; phone: string | null };
  twoFactorEnabled: boolean;
  /** RFC 3339 in UTC, as the API writes them. */
  lastSignInAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * A row of the users list: what the list shows (PRODUCT rule 9) and what a row needs to be
 * acted on. Scopes, flags, the individual permission set and identity fields (an ID number
 * is personal data) are read from the member's details, one member at a time.
 */
export type MemberSummary = Pick<
  MemberView,
  | 'id'
  | 'userId'
  | 'name'
  | 'email'
  | 'status'
  | 'isOwner'
  | 'role'
  | 'profileIds'
  | 'twoFactorEnabled'
  | 'lastSignInAt'
  | 'createdAt'
>;

export function roleOf(
  catalog: Catalog,
  row: Pick<MemberRow, 'builtin_role' | 'role_id' | 'role_name' | 'is_owner'>,
): MemberView['role'] {
  if (row.is_owner) return { id: `${builtinRolePrefix}owner`, name: catalog.builtinRole('owner')?.name ?? 'Owner' };
  if (row.builtin_role)
    return {
      id: builtinRolePrefix + row.builtin_role,
      name: catalog.builtinRole(row.builtin_role)?.name ?? row.builtin_role,
    };
  if (row.role_id) return { id: row.role_id, name: row.role_name ?? '' };
  return null;
}

/** A row of the users list. */
export function memberSummary(catalog: Catalog, row: MemberListRow): MemberSummary {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    email: row.email,
    status: row.status,
    isOwner: row.is_owner,
    role: roleOf(catalog, row),
    profileIds: row.profile_ids,
    twoFactorEnabled: row.two_factor_enabled,
    lastSignInAt: row.last_sign_in_at ? isoTimestamp(row.last_sign_in_at) : null,
    createdAt: isoTimestamp(row.created_at),
  };
}

/** A member's details: the list row and everything else about the member. */
export function memberView(catalog: Catalog, row: MemberRow): MemberView {
  const flags: Record<string, boolean> = {};
  for (const flag of catalog.flags) flags[flag.key] = row.flags?.[flag.key] ?? flag.default;
  return {
    ...memberSummary(catalog, row),
    permissions: row.permissions,
    resourceScope: row.resource_scope ?? {},
    flags,
    identity: { idType: row.id_type, idNumber: row.id_number, phone: row.phone },
    updatedAt: isoTimestamp(row.updated_at),
  };
}
