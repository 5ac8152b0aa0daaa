// Engine tests make services whose OS users outlive their temporary data
// directories (a test stops its engine and removes the directory): before and
// after the run, users whose service directory is gone are removed, as every
// engine start does.
import { ServiceUsers } from '../runtime/os-users';

async function sweep(): Promise<void> {
  if (process.getuid?.() !== 0) return;
  await new ServiceUsers(true).removeOrphans();
}

export const setup = sweep;
export const teardown = sweep;
