import globalSetup from './global-setup';
import globalTeardown from './global-teardown';

const { staleDistReason } = require('./dist-stamp.js') as { staleDistReason(): string | null };

/**
 * Global setup of the e2e, browser and faults projects, which start the built apps from dist/: refuses
 * a dist/ built from other sources than the current ones (`npm run build` writes the stamp), then finds
 * the services as the integration tests do.
 */
export default async function builtAppsSetup(): Promise<void> {
  const stale = staleDistReason();
  if (stale) {
    // In a call that also runs integration tests, their setup may already have made this run's database;
    // jest runs no teardown after a failed setup.
    await globalTeardown();
    throw new Error(stale);
  }
  await globalSetup();
}
