import { stopMigrationSource } from './migration-source';
import { stopStack } from './stack';

export default async function globalTeardown(): Promise<void> {
  await stopMigrationSource();
  await stopStack();
}
