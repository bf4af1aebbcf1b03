// Regenerates the dashboard's typed API client types from the service's OpenAPI document.
import { writeFileSync } from 'node:fs';
import { apiTypesPath, renderApiTypes } from './dashboard-api-types.js';

writeFileSync(apiTypesPath, await renderApiTypes());
console.log(`wrote ${apiTypesPath}`);
