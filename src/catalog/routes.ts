import { Type } from 'typebox';
import type { AppDeps } from '../app-deps.js';
import { requireActor } from '../http/actor.js';
import { errorResponses, GrantSchema } from '../http/schemas.js';
import type { TypedApp } from '../http/typed-app.js';

const Action = Type.Object({
  permission: Type.String(),
  key: Type.String(),
  name: Type.String(),
  own: Type.Boolean(),
  ownerOnly: Type.Boolean(),
});

/** The permission catalog as data, for the dashboard's role editor and the platform. */
export function registerCatalogRoutes(app: TypedApp, deps: AppDeps): void {
  app.get(
    '/v1/catalog',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Modules, actions, own-capable and owner-only permissions, resource types, flags, built-in roles',
        response: {
          200: Type.Object({
            modules: Type.Array(
              Type.Object({
                key: Type.String(),
                name: Type.String(),
                resourceTypes: Type.Array(Type.String()),
                actions: Type.Array(Action),
              }),
            ),
            resourceTypes: Type.Array(
              Type.Object({
                key: Type.String(),
                name: Type.String(),
                assignableBeforeActivation: Type.Boolean({
                  description:
                    'Whether a member may be limited to or assigned these before they are active (in the invitation)',
                }),
                newMembers: Type.Union([Type.Literal('all'), Type.Literal('none')], {
                  description:
                    'What a new member gets when the invitation names none: every resource, or none until assigned',
                }),
              }),
            ),
            flags: Type.Array(Type.Object({ key: Type.String(), name: Type.String(), default: Type.Boolean() })),
            builtinRoles: Type.Array(
              Type.Object({
                id: Type.String(),
                key: Type.String(),
                name: Type.String(),
                description: Type.String(),
                permissions: Type.Array(GrantSchema),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      requireActor(request);
      const { catalog } = deps;
      return {
        modules: catalog.modules.map((module) => ({
          key: module.key,
          name: module.name,
          resourceTypes: [...module.resourceTypes],
          actions: module.actions.map((action) => ({
            permission: `${module.key}.${action.key}`,
            key: action.key,
            name: action.name,
            own: action.own,
            ownerOnly: action.ownerOnly,
          })),
        })),
        resourceTypes: catalog.resourceTypes.map((type) => ({
          key: type.key,
          name: type.name,
          assignableBeforeActivation: type.assignableBeforeActivation,
          newMembers: type.newMembers,
        })),
        flags: catalog.flags.map((flag) => ({ key: flag.key, name: flag.name, default: flag.default })),
        builtinRoles: catalog.builtinRoles.map((role) => ({
          id: `builtin:${role.key}`,
          key: role.key,
          name: role.name,
          description: role.description,
          permissions: [...role.grants],
        })),
      };
    },
  );
}
