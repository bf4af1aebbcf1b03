import { type AccountAccess, requirePermission } from '../access/guard.js';
import { builtinRolePrefix } from '../roles/service.js';
import { AppError } from '../shared/app-error.js';
import { csvRow } from '../shared/csv.js';
import { decodeCursor, encodeCursor, mismatchedCursor } from '../shared/cursor.js';
import type { MembersDeps } from './service.js';
import * as store from './store.js';
import { type MemberSummary, memberSummary } from './view.js';

export interface ListQuery {
  q?: string;
  status?: store.MemberStatus;
  roleId?: string;
  profileId?: string;
  /** `name`, `email` or `createdAt`; a leading `-` sorts descending. */
  sort?: string;
  limit?: number;
  cursor?: string;
}

const sortKeys: store.SortKey[] = ['name', 'email', 'createdAt'];

function parseSort(sort = 'name'): { key: store.SortKey; descending: boolean } {
  const descending = sort.startsWith('-');
  const key = (descending ? sort.slice(1) : sort) as store.SortKey;
  if (!sortKeys.includes(key)) {
    throw new AppError('request.invalid', 'Unknown sort', {
      errors: [
        { field: 'querystring/sort', message: `must be one of ${sortKeys.join(', ')}, optionally prefixed with -` },
      ],
    });
  }
  return { key, descending };
}

function roleFilter(roleId: string | undefined): store.ListFilter['role'] {
  if (roleId === undefined) return undefined;
  if (roleId === 'individual') return { individual: true };
  return roleId.startsWith(builtinRolePrefix) ? { builtinRole: roleId.slice(builtinRolePrefix.length) } : { roleId };
}

function sortValue(key: store.SortKey, row: store.MemberListRow): string {
  if (key === 'createdAt') return row.created_at.toISOString();
  return key === 'email' ? row.email : row.name.toLowerCase();
}

/** A page of the users list: search, filters, sort and keyset pagination (PRODUCT rule 9). */
export async function listMembers(
  deps: MembersDeps,
  access: AccountAccess,
  query: ListQuery,
): Promise<{ items: MemberSummary[]; nextCursor: string | null }> {
  requirePermission(access, 'users.view');
  return page(deps, access, query);
}

async function page(deps: MembersDeps, access: AccountAccess, query: ListQuery) {
  const sort = parseSort(query.sort);
  const limit = query.limit ?? 50;
  const after = query.cursor
    ? decodeCursor(query.cursor, { v: sort.key === 'createdAt' ? 'timestamp' : 'string', id: 'string', s: 'string' })
    : undefined;
  if (after && after.s !== (query.sort ?? 'name'))
    throw mismatchedCursor('belongs to another sort order; start again without it');
  const filter: store.ListFilter = {
    q: query.q,
    status: query.status,
    role: roleFilter(query.roleId),
    profileId: query.profileId,
  };
  const rows = await store.listMembers(
    deps.access.database.db,
    access.accountId,
    filter,
    sort,
    after && { value: after.v, id: after.id },
    limit,
  );
  const last = rows.at(-1);
  return {
    items: rows.map((row) => memberSummary(deps.catalog, row)),
    nextCursor:
      rows.length === limit && last
        ? encodeCursor({ v: sortValue(sort.key, last), id: last.id, s: query.sort ?? 'name' })
        : null,
  };
}

export const exportHeader = [
  'id',
  'name',
  'email',
  'role',
  'status',
  'profiles',
  'last_sign_in',
  'two_factor',
  'created_at',
];

/**
 * The same list as CSV, streamed page by page so that a large team never sits in memory.
 * The first chunk (header and first page) comes only after the query was validated and the
 * first page read (see sendExport). Cells are RFC 4180 and neutralised (see csvField).
 */
export async function* exportMembersCsv(
  deps: MembersDeps,
  access: AccountAccess,
  query: Omit<ListQuery, 'limit' | 'cursor'>,
): AsyncGenerator<string> {
  requirePermission(access, 'users.view');
  let result = await page(deps, access, { ...query, limit: 500 });
  let chunk = csvRow(exportHeader);
  for (;;) {
    for (const member of result.items) {
      chunk += csvRow([
        member.id,
        member.name,
        member.email,
        member.role?.name ?? 'Custom permissions',
        member.status,
        member.profileIds?.join(' ') ?? 'all',
        member.lastSignInAt,
        member.twoFactorEnabled ? 'yes' : 'no',
        member.createdAt,
      ]);
    }
    yield chunk;
    if (!result.nextCursor) return;
    result = await page(deps, access, { ...query, limit: 500, cursor: result.nextCursor });
    chunk = '';
  }
}
