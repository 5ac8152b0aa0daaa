import { startStack } from './stack';

export default async function globalSetup(): Promise<void> {
  const state = await startStack();
  process.env.PGDECK_E2E_BASE_URL = state.consoleUrl;
}
