import openapiTS, { astToString } from 'openapi-typescript';
import { loadConfig } from '../src/config/config.js';
import { createPGlite, openPGlite } from '../src/db/database.js';
import { buildApp } from '../src/app.js';

/** Where the dashboard's typed client finds the API's types (committed; see test/unit/dashboard). */
export const apiTypesPath = 'dashboard/src/api/schema.d.ts';

/**
 * The service's own OpenAPI document, as a development server publishes it (so the
 * development-only mailbox is typed too), on a throw-away in-memory database.
 */
export async function serviceOpenApiDocument(): Promise<Record<string, unknown>> {
  const config = loadConfig({
    NODE_ENV: 'development',
    PUBLIC_URL: 'http://localhost:3000',
    SECRET_KEY: Buffer.alloc(32, 1).toString('base64'),
    PLATFORM_TOKEN: 'openapi-generation-token-0123456789abcdef',
    LOG_LEVEL: 'silent',
    DASHBOARD: 'off',
  });
  const database = await openPGlite(await createPGlite());
  const app = await buildApp(config, { database });
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
    await database.close();
  }
}

/** The TypeScript types openapi-fetch uses, generated from that document. */
export async function renderApiTypes(): Promise<string> {
  const ast = await openapiTS((await serviceOpenApiDocument()) as never, { alphabetize: true });
  return (
    "// Generated from the service's OpenAPI document by `npm run dashboard:api`. Do not edit.\n\n" + astToString(ast)
  );
}
