import { type Catalog, CatalogError } from '../catalog/catalog.js';

/**
 * The permissions Gatehouse checks in its own routes. A custom catalog (GATEHOUSE_CATALOG)
 * must define every one: without, say, `users.edit` nobody could ever edit a member, and the
 * refusals would look like ordinary missing permissions.
 */
export const servicePermissions = [
  'users.view',
  'users.invite',
  'users.edit',
  'users.deactivate',
  'users.delete',
  'roles.manage',
  'security_log.view',
  'account.edit',
  'account.settings',
  'api.access',
  'profiles.manage',
  'contacts.view',
  'contacts.manage',
] as const;

export type ServicePermission = (typeof servicePermissions)[number];

/** Refuses a catalog that lacks any permission the service checks itself, naming them. */
export function assertServicePermissions(catalog: Catalog): void {
  const missing = servicePermissions.filter((permission) => !catalog.has(permission));
  if (missing.length > 0) {
    throw new CatalogError(
      `${catalog.source}: lacks ${missing.length === 1 ? 'the permission' : 'the permissions'} ${missing.join(', ')}, which Gatehouse checks in its own routes; add ${missing.length === 1 ? 'it' : 'them'} to the catalog's modules`,
    );
  }
}
