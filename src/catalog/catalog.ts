import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type GrantScope = 'all' | 'own';

/** One permission given at a scope: `all` records, or only those the member owns. */
export interface Grant {
  permission: string;
  scope: GrantScope;
}

export interface CatalogAction {
  key: string;
  name: string;
  /** May be granted with scope `own` (the member's own records only). */
  own: boolean;
  /** Only the account owner ever holds it; no role can grant it. */
  ownerOnly: boolean;
}

export interface CatalogModule {
  key: string;
  name: string;
  /** Resource types a member can be limited on for this module's permissions. */
  resourceTypes: readonly string[];
  actions: readonly CatalogAction[];
}

/**
 * A type of scopable resource (payout bank account, product, gateway…) and its assignment
 * rules. Wompi assigns bank accounts only to active members; Juspay limits a new user to
 * products and gateways in the invitation itself: the catalog says which applies.
 */
export interface ResourceType {
  key: string;
  name: string;
  /**
   * May a member be limited to, or assigned, these resources before they are active (in the
   * invitation, say)?
   */
  assignableBeforeActivation: boolean;
  /**
   * What a new member gets when the invitation names none: every resource of the type, or
   * none until assigned.
   */
  newMembers: 'all' | 'none';
}

export interface BuiltinRole {
  key: string;
  name: string;
  description: string;
  grants: readonly Grant[];
}

/** The permission catalog, validated and indexed: permissions are data, not code. */
export interface Catalog {
  readonly source: string;
  readonly modules: readonly CatalogModule[];
  readonly resourceTypes: readonly ResourceType[];
  readonly flags: readonly { key: string; name: string; description: string; default: boolean }[];
  /** Every permission in a stable order: the index is its bit position. */
  readonly permissions: readonly string[];
  readonly permissionIndex: ReadonlyMap<string, number>;
  readonly builtinRoles: readonly BuiltinRole[];
  has(permission: string): boolean;
  acceptsOwn(permission: string): boolean;
  isOwnerOnly(permission: string): boolean;
  resourceTypesOf(permission: string): readonly string[];
  builtinRole(key: string): BuiltinRole | undefined;
  resourceType(key: string): ResourceType | undefined;
  /** Per bit position, for the engine's hot path. */
  readonly ownCapable: readonly boolean[];
  readonly ownerOnlyBits: readonly boolean[];
  readonly resourceTypesByBit: readonly (readonly string[])[];
}

export class CatalogError extends Error {
  override name = 'CatalogError';
}

export const defaultCatalogPath = fileURLToPath(new URL('../../catalog/default.json', import.meta.url));

const keyPattern = /^[a-z][a-z0-9_]*$/;
const flagPattern = /^[A-Za-z][A-Za-z0-9_]*$/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a catalog document and indexes it. Every error names the entry at fault, e.g.
 * `catalog/default.json: roles[3] "support": unknown permission "refund.issue"`.
 */
export function parseCatalog(json: unknown, source: string): Catalog {
  const fail = (where: string, message: string): never => {
    throw new CatalogError(`${source}: ${where}: ${message}`);
  };
  if (!isObject(json)) fail('(root)', 'must be an object');
  const doc = json as Json;
  if (doc.version !== 1) fail('version', 'must be 1');

  const resourceTypes: ResourceType[] = [];
  for (const [i, entry] of ((doc.resourceTypes ?? []) as unknown[]).entries()) {
    const where = `resourceTypes[${i}]`;
    if (!isObject(entry) || typeof entry.key !== 'string' || !keyPattern.test(entry.key))
      fail(where, 'needs a snake_case "key"');
    const type = entry as { key: string; name?: unknown; assignableBeforeActivation?: unknown; newMembers?: unknown };
    if (resourceTypes.some((known) => known.key === type.key))
      fail(`${where} "${type.key}"`, 'duplicate resource type');
    if (type.assignableBeforeActivation !== undefined && typeof type.assignableBeforeActivation !== 'boolean') {
      fail(`${where} "${type.key}"`, '"assignableBeforeActivation" must be true or false');
    }
    if (type.newMembers !== undefined && type.newMembers !== 'all' && type.newMembers !== 'none')
      fail(`${where} "${type.key}"`, '"newMembers" must be "all" or "none"');
    resourceTypes.push({
      key: type.key,
      name: typeof type.name === 'string' ? type.name : type.key,
      // Unset, both rules are permissive: limits at any time, every resource for a new member.
      assignableBeforeActivation: type.assignableBeforeActivation !== false,
      newMembers: type.newMembers === 'none' ? 'none' : 'all',
    });
  }

  const flags: { key: string; name: string; description: string; default: boolean }[] = [];
  for (const [i, entry] of ((doc.flags ?? []) as unknown[]).entries()) {
    const where = `flags[${i}]`;
    if (!isObject(entry) || typeof entry.key !== 'string' || !flagPattern.test(entry.key))
      fail(where, 'needs a "key" of letters, digits and _');
    const flag = entry as { key: string; name?: unknown; description?: unknown; default?: unknown };
    if (flags.some((known) => known.key === flag.key)) fail(`${where} "${flag.key}"`, 'duplicate flag');
    if (flag.default !== undefined && typeof flag.default !== 'boolean')
      fail(`${where} "${flag.key}"`, '"default" must be true or false');
    flags.push({
      key: flag.key,
      name: typeof flag.name === 'string' ? flag.name : flag.key,
      description: typeof flag.description === 'string' ? flag.description : '',
      default: flag.default === true,
    });
  }

  if (!Array.isArray(doc.modules) || doc.modules.length === 0) fail('modules', 'must be a non-empty array');
  const modules: CatalogModule[] = [];
  const permissions: string[] = [];
  const ownCapable: boolean[] = [];
  const ownerOnlyBits: boolean[] = [];
  const resourceTypesByBit: (readonly string[])[] = [];
  for (const [i, entry] of (doc.modules as unknown[]).entries()) {
    let where = `modules[${i}]`;
    if (!isObject(entry) || typeof entry.key !== 'string' || !keyPattern.test(entry.key))
      fail(where, 'needs a snake_case "key"');
    const module = entry as { key: string; name?: unknown; resourceTypes?: unknown; actions?: unknown };
    where = `${where} "${module.key}"`;
    if (modules.some((known) => known.key === module.key)) fail(where, 'duplicate module');
    const types = (module.resourceTypes ?? []) as unknown[];
    if (!Array.isArray(types)) fail(where, '"resourceTypes" must be an array');
    for (const type of types) {
      if (!resourceTypes.some((known) => known.key === type)) fail(where, `unknown resource type "${String(type)}"`);
    }
    if (!Array.isArray(module.actions) || module.actions.length === 0) fail(where, 'needs at least one action');
    const actions: CatalogAction[] = [];
    for (const [j, raw] of (module.actions as unknown[]).entries()) {
      const actionWhere = `${where} actions[${j}]`;
      if (!isObject(raw) || typeof raw.key !== 'string' || !keyPattern.test(raw.key))
        fail(actionWhere, 'needs a snake_case "key"');
      const action = raw as { key: string; name?: unknown; own?: unknown; ownerOnly?: unknown };
      if (actions.some((known) => known.key === action.key)) fail(`${actionWhere} "${action.key}"`, 'duplicate action');
      const own = action.own === true;
      const ownerOnly = action.ownerOnly === true;
      if (own && ownerOnly)
        fail(`${actionWhere} "${action.key}"`, 'an owner-only action cannot also be granted as own');
      actions.push({
        key: action.key,
        name: typeof action.name === 'string' ? action.name : action.key,
        own,
        ownerOnly,
      });
      permissions.push(`${module.key}.${action.key}`);
      ownCapable.push(own);
      ownerOnlyBits.push(ownerOnly);
      resourceTypesByBit.push(types as string[]);
    }
    modules.push({
      key: module.key,
      name: typeof module.name === 'string' ? module.name : module.key,
      resourceTypes: types as string[],
      actions,
    });
  }
  const permissionIndex = new Map(permissions.map((permission, index) => [permission, index]));

  const roles: BuiltinRole[] = [];
  for (const [i, entry] of ((doc.roles ?? []) as unknown[]).entries()) {
    let where = `roles[${i}]`;
    if (!isObject(entry) || typeof entry.key !== 'string' || !keyPattern.test(entry.key))
      fail(where, 'needs a snake_case "key"');
    const role = entry as { key: string; name?: unknown; description?: unknown; permissions?: unknown };
    where = `${where} "${role.key}"`;
    if (roles.some((known) => known.key === role.key)) fail(where, 'duplicate role');
    if (!Array.isArray(role.permissions)) fail(where, '"permissions" must be an array');
    const grants = new Map<string, Grant>();
    for (const item of role.permissions as unknown[]) {
      const grant: Grant | null =
        typeof item === 'string'
          ? { permission: item, scope: 'all' }
          : isObject(item) && typeof item.permission === 'string' && (item.scope === 'all' || item.scope === 'own')
            ? { permission: item.permission, scope: item.scope }
            : null;
      if (!grant)
        fail(
          where,
          `a permission must be "module.action" or {"permission", "scope": "all"|"own"} (got ${JSON.stringify(item)})`,
        );
      for (const permission of expand(grant!.permission, permissions)) {
        if (!permissionIndex.has(permission)) fail(where, `unknown permission "${permission}"`);
        const bit = permissionIndex.get(permission)!;
        if (grant!.scope === 'own' && !ownCapable[bit]) fail(where, `"${permission}" cannot be granted with scope own`);
        // Wildcards skip owner-only permissions; naming one explicitly is an error outside the owner role.
        if (ownerOnlyBits[bit]) {
          if (grant!.permission === permission && role.key !== 'owner')
            fail(where, `"${permission}" is owner-only and cannot be in a role`);
          continue;
        }
        const existing = grants.get(permission);
        if (!existing || existing.scope === 'own') grants.set(permission, { permission, scope: grant!.scope });
      }
    }
    roles.push({
      key: role.key,
      name: typeof role.name === 'string' ? role.name : role.key,
      description: typeof role.description === 'string' ? role.description : '',
      grants: Object.freeze([...grants.values()]),
    });
  }
  if (!roles.some((role) => role.key === 'owner')) fail('roles', 'must define the "owner" role');

  const moduleOf = (permission: string) => modules.find((module) => permission.startsWith(`${module.key}.`));
  const catalog: Catalog = {
    source,
    modules,
    resourceTypes,
    flags,
    permissions,
    permissionIndex,
    builtinRoles: roles,
    ownCapable,
    ownerOnlyBits,
    resourceTypesByBit,
    has: (permission) => permissionIndex.has(permission),
    acceptsOwn: (permission) => ownCapable[permissionIndex.get(permission) ?? -1] === true,
    isOwnerOnly: (permission) => ownerOnlyBits[permissionIndex.get(permission) ?? -1] === true,
    resourceTypesOf: (permission) => moduleOf(permission)?.resourceTypes ?? [],
    builtinRole: (key) => roles.find((role) => role.key === key),
    resourceType: (key) => resourceTypes.find((type) => type.key === key),
  };
  return Object.freeze(catalog);
}

/** `*` (everything), `module.*` and `*.action` in role definitions, or the permission itself. */
function expand(pattern: string, permissions: readonly string[]): string[] {
  if (pattern === '*') return [...permissions];
  if (pattern.endsWith('.*')) return permissions.filter((permission) => permission.startsWith(pattern.slice(0, -1)));
  if (pattern.startsWith('*.')) return permissions.filter((permission) => permission.endsWith(pattern.slice(1)));
  return [pattern];
}

/** Loads and validates the catalog file (GATEHOUSE_CATALOG, or the default payments catalog). */
export function loadCatalog(path: string = defaultCatalogPath): Catalog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CatalogError(`${path}: cannot be read (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CatalogError(`${path}: is not valid JSON (${(error as Error).message})`);
  }
  return parseCatalog(json, path);
}

/**
 * Problems with grants a person wants to give (custom roles, individual sets, API keys):
 * unknown permissions, `own` where it is not accepted, owner-only permissions.
 */
export function validateGrants(catalog: Catalog, grants: readonly Grant[]): { permission: string; message: string }[] {
  const problems: { permission: string; message: string }[] = [];
  for (const grant of grants) {
    if (!catalog.has(grant.permission))
      problems.push({ permission: grant.permission, message: 'is not a permission of the catalog' });
    else if (catalog.isOwnerOnly(grant.permission))
      problems.push({ permission: grant.permission, message: 'is owner-only and cannot be granted' });
    else if (grant.scope === 'own' && !catalog.acceptsOwn(grant.permission))
      problems.push({ permission: grant.permission, message: 'cannot be limited to own records' });
  }
  return problems;
}
