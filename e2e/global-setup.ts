import { startMigrationSource, stopMigrationSource } from './migration-source';
import { startStack, stopStack } from './stack';

export default async function globalSetup(): Promise<void> {
  const state = await startStack();
  process.env.PGDECK_E2E_BASE_URL = state.consoleUrl;
  try {
    await startMigrationSource();
  } catch (err) {
    await stopMigrationSource();
    await stopStack();
    throw err;
  }
}
