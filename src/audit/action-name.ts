const verbs: Record<string, string> = { GET: 'read', POST: 'create', PUT: 'put', PATCH: 'update', DELETE: 'delete' };

/**
 * A refusal's action in the security log, derived from the route, e.g.
 * `POST /v1/accounts/:accountId/members/:memberId/deactivate` → `members.deactivate`,
 * `PATCH /v1/accounts/:accountId/roles/:roleId` → `roles.update`.
 */
export function actionOfRoute(method: string, url: string): string {
  const segments = url
    .replace(/^\/v1\/accounts\/:accountId\/?/, '')
    .replace(/^\/v1\//, '')
    .split('/')
    .filter(Boolean);
  const nouns = segments.filter((segment) => !segment.startsWith(':'));
  const last = segments.at(-1) ?? '';
  const endsWithVerb =
    nouns.length > 1 && !last.startsWith(':') && segments.length > 1 && segments.at(-2)?.startsWith(':');
  if (endsWithVerb) return `${nouns.slice(0, -1).join('.')}.${last}`.replace(/-/g, '_');
  return `${nouns.join('.') || 'account'}.${verbs[method] ?? method.toLowerCase()}`.replace(/-/g, '_');
}
