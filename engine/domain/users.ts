// Users of a service: real roles with SCRAM-SHA-256 passwords.
import { ApiError } from '@/lib/api-v2/errors';
import type { Operation } from '@/lib/schemas/operation';
import type { CreateUser } from '@/lib/schemas/user';
import type { ServiceRecord, UserRecord } from '../store/services';
import type { Engine } from './engine';
import { crashPoint } from './crash-points';
import { runNow, withOperation } from './operations';
import { generatePassword } from './passwords';
import { requireUnpooled, syncBouncer } from './pools';
import { applyUser, dropUser, roleExists } from './roles';
import { requireService } from './services';

/** The service, when it is in a state that accepts changes to its contents. */
export function requireRunning(engine: Engine, name: string): ServiceRecord {
  const svc = requireService(engine, name);
  if (svc.phase === 'creating' || svc.phase === 'deleting') {
    throw new ApiError('busy', `service ${name} is ${svc.phase === 'creating' ? 'being created' : 'being deleted'}`);
  }
  return svc;
}

function requireUser(engine: Engine, service: string, username: string): UserRecord {
  const user = engine.services.user(service, username);
  if (!user) throw new ApiError('not-found', `user ${username} not found`);
  return user;
}

// POST /v2/dbaas-postgres/{service-name}/user
export async function createUser(engine: Engine, service: string, body: CreateUser): Promise<Operation> {
  const svc = requireRunning(engine, service);
  // reserved names (PostgreSQL's, PgBouncer's admin) are refused by usernameSchema
  const { username } = body;
  if (engine.services.user(service, username) || (await roleExists(engine, svc, username))) {
    throw new ApiError('conflict', `user ${username} already exists`, 'username');
  }
  const user: UserRecord = {
    username,
    type: 'normal',
    passwordSealed: engine.box.seal(generatePassword()),
    allowReplication: body['allow-replication'] ?? false,
  };
  return withOperation(engine, service, 'create-user', { username }, (op) => {
    engine.services.addUser(service, user);
    return runNow(engine, op, async () => {
      try {
        await applyUser(engine, svc, user);
        crashPoint('create-user:role-created');
        await syncBouncer(engine, service);
      } catch (err) {
        // undone everywhere: an answer never says failed of a user that exists
        await dropUser(engine, svc, username).catch((e: Error) => console.error(`${service}: dropping ${username} after a failed create: ${e.message}`));
        engine.services.removeUser(service, username);
        await syncBouncer(engine, service).catch(() => undefined);
        throw err;
      }
    });
  });
}

// DELETE /v2/dbaas-postgres/{service-name}/user/{username}
export async function deleteUser(engine: Engine, service: string, username: string): Promise<Operation> {
  const svc = requireRunning(engine, service);
  const user = requireUser(engine, service, username);
  if (user.type === 'primary') throw new ApiError('forbidden', `user ${username} is the service's admin and cannot be deleted`);
  requireUnpooled(engine, service, { username });
  return withOperation(engine, service, 'delete-user', { username }, (op) => runNow(engine, op, async () => {
    // PgBouncer stops admitting the user first; if it cannot be told, nothing changes
    engine.services.removeUser(service, username);
    try {
      await syncBouncer(engine, service);
      await dropUser(engine, svc, username);
    } catch (err) {
      engine.services.addUser(service, user);
      await syncBouncer(engine, service).catch(() => undefined);
      throw err;
    }
  }));
}

// GET /v2/dbaas-postgres/{service-name}/user/{username}/password/reveal
export function revealPassword(engine: Engine, service: string, username: string): { username: string; password: string } {
  requireService(engine, service);
  const user = requireUser(engine, service, username);
  return { username, password: engine.box.unseal(user.passwordSealed) };
}

// PUT /v2/dbaas-postgres/{service-name}/user/{username}/password/reset
export async function resetPassword(engine: Engine, service: string, username: string, password?: string): Promise<Operation> {
  const svc = requireRunning(engine, service);
  const before = requireUser(engine, service, username);
  return withOperation(engine, service, 'reset-password', { username }, (op) => {
    // Stored first: if the engine stops here, recovery applies the stored password.
    engine.services.updateUser(service, username, { passwordSealed: engine.box.seal(password ?? generatePassword()) });
    return runNow(engine, op, () => applyOrRevert(engine, svc, before));
  });
}

// PUT /v2/dbaas-postgres/{service-name}/user/{username}/allow-replication
export async function setAllowReplication(engine: Engine, service: string, username: string, allow: boolean) {
  const svc = requireRunning(engine, service);
  const before = requireUser(engine, service, username);
  await withOperation(engine, service, 'allow-replication', { username }, (op) => {
    engine.services.updateUser(service, username, { allowReplication: allow });
    return runNow(engine, op, () => applyOrRevert(engine, svc, before));
  });
  return {
    users: engine.services.users(service).map((u) => ({ username: u.username, 'allow-replication': u.allowReplication })),
  };
}

/**
 * Applies the stored user to PostgreSQL, then PgBouncer (which checks passwords
 * against the verifiers PostgreSQL now has). When either refuses, the store,
 * PostgreSQL and PgBouncer all go back to what they were.
 */
async function applyOrRevert(engine: Engine, svc: ServiceRecord, before: UserRecord): Promise<void> {
  try {
    await applyUser(engine, svc, requireUser(engine, svc.name, before.username));
    crashPoint('reset-password:applied');
    await syncBouncer(engine, svc.name);
  } catch (err) {
    engine.services.updateUser(svc.name, before.username, { passwordSealed: before.passwordSealed, allowReplication: before.allowReplication });
    await applyUser(engine, svc, before).catch((e: Error) => console.error(`${svc.name}: putting ${before.username} back failed: ${e.message}`));
    await syncBouncer(engine, svc.name).catch(() => undefined);
    throw err;
  }
}
