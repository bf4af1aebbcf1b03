import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { apiTypesPath, renderApiTypes } from '../../../scripts/dashboard-api-types.js';

// The dashboard's client is typed from the committed file: when a route changes and nobody
// ran `npm run dashboard:api`, the UI would compile against an API that no longer exists.
it('the dashboard API types match the service OpenAPI document (run npm run dashboard:api)', async () => {
  const committed = readFileSync(apiTypesPath, 'utf8');
  const fresh = await renderApiTypes();
  expect(committed === fresh, 'dashboard/src/api/schema.d.ts is stale: run `npm run dashboard:api` and commit it').toBe(
    true,
  );
}, 180_000);
