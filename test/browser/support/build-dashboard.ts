// @ts-expect-error: a plain .mjs build script without type declarations
import { buildDashboard } from '../../../scripts/build-dashboard.mjs';

/** The browser tests drive the built dashboard: rebuild it first when its sources changed. */
export default async function setup() {
  await (buildDashboard as () => Promise<void>)();
}
