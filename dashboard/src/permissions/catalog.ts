import { useQuery } from '@tanstack/react-query';
import { api, data } from '../api/client';
import type { paths } from '../api/schema';

/** The permission catalog: modules, actions (which allow "own records", which only the owner holds), flags, resource types. */
export type Catalog = paths['/v1/catalog']['get']['responses']['200']['content']['application/json'];
export type CatalogAction = Catalog['modules'][number]['actions'][number];
export type Scope = 'all' | 'own';
export type Grant = { permission: string; scope: Scope };

/** Whoever edits a set of grants: they may hand on only what they hold (PRODUCT rule 2). */
export type Holder = { isOwner: boolean; permissions: readonly Grant[] };

/** The catalog changes only with a deploy: one cached copy serves every screen. */
export function useCatalog() {
  return useQuery({ queryKey: ['catalog'], queryFn: () => data(api.GET('/v1/catalog')), staleTime: Infinity });
}

/** "payments.refund" → "Payments: Refund", from the catalog's names. */
export function permissionLabel(catalog: Catalog | undefined, permission: string): string {
  for (const module of catalog?.modules ?? []) {
    const action = module.actions.find((candidate) => candidate.permission === permission);
    if (action) return `${module.name}: ${action.name}`;
  }
  return permission;
}

/** The widest scope the holder may hand on, or null. Owner-only permissions are never granted, not even by the owner. */
export function grantableScope(holder: Holder, action: Pick<CatalogAction, 'permission' | 'ownerOnly'>): Scope | null {
  if (action.ownerOnly) return null;
  if (holder.isOwner) return 'all';
  const held = holder.permissions.filter((grant) => grant.permission === action.permission);
  if (held.some((grant) => grant.scope === 'all')) return 'all';
  return held.length > 0 ? 'own' : null;
}

/** Every grant the holder may hand on, at the widest scope they hold ("all permissions"). */
export function everythingGrantable(catalog: Catalog, holder: Holder): Grant[] {
  return catalog.modules.flatMap((module) =>
    module.actions.flatMap((action) => {
      const scope = grantableScope(holder, action);
      return scope ? [{ permission: action.permission, scope }] : [];
    }),
  );
}
