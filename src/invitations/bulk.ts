import { parse } from 'csv-parse/sync';
import type { Catalog } from '../catalog/catalog.js';
import type { Db } from '../db/database.js';
import { listRoles } from '../roles/store.js';
import { builtinRolePrefix } from '../roles/service.js';
import { AppError } from '../shared/app-error.js';
import type { FieldError } from '../shared/errors.js';
import { isSingleLine, singleLineRule } from '../shared/text.js';
import type { InviteInput } from './service.js';

export const maxBulkRows = 1000;

/**
 * Reads a bulk-invite CSV: a header row with `email`, `role` and optionally `profiles`
 * (profile ids separated by spaces or semicolons) and `name`. A role is named by its id,
 * its built-in key or its display name. Row errors come back together, by line.
 */
export async function parseBulkCsv(catalog: Catalog, db: Db, accountId: string, text: string): Promise<InviteInput[]> {
  let records: Record<string, string>[];
  try {
    records = parse(text, {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      bom: true,
      max_record_size: 10_000,
    });
  } catch (error) {
    throw new AppError('request.invalid', `The CSV cannot be read: ${(error as Error).message}`);
  }
  if (records.length === 0) throw new AppError('request.invalid', 'The CSV has no rows');
  if (records.length > maxBulkRows) throw new AppError('request.invalid', `At most ${maxBulkRows} rows per upload`);
  const columns = Object.keys(records[0]);
  const unknown = columns.filter((column) => !['email', 'role', 'profiles', 'name'].includes(column));
  if (!columns.includes('email') || !columns.includes('role') || unknown.length > 0) {
    throw new AppError('request.invalid', 'The header must be email,role[,profiles][,name]');
  }
  const custom = await listRoles(db, accountId);
  const roleIds = new Map<string, string>();
  for (const role of catalog.builtinRoles) {
    for (const alias of [role.key, role.name, builtinRolePrefix + role.key])
      roleIds.set(alias.toLowerCase(), builtinRolePrefix + role.key);
  }
  for (const role of custom) for (const alias of [role.id, role.name]) roleIds.set(alias.toLowerCase(), role.id);

  const errors: FieldError[] = [];
  const rows = records.map((record, index): InviteInput => {
    const line = index + 2;
    const roleId = roleIds.get((record.role ?? '').toLowerCase());
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(record.email ?? ''))
      errors.push({ field: `line ${line}`, message: 'email is not a valid address' });
    if (!roleId) errors.push({ field: `line ${line}`, message: `role "${record.role ?? ''}" does not exist` });
    if (record.name && !isSingleLine(record.name))
      errors.push({ field: `line ${line}`, message: `name ${singleLineRule}` });
    const profiles = (record.profiles ?? '').split(/[;\s]+/).filter(Boolean);
    return {
      email: record.email ?? '',
      roleId: roleId ?? '',
      name: record.name || undefined,
      profileIds: profiles.length > 0 ? profiles : undefined,
    };
  });
  if (errors.length > 0)
    throw new AppError('request.invalid', `${errors.length} problem(s) in the CSV; nobody was invited`, { errors });
  return rows;
}
