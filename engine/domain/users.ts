// Users of a service: real roles with SCRAM-SHA-256 passwords.
import { ApiError } from '@/lib/api-v2/errors';
import type { Operation } from '@/lib/schemas/operation';
import type { CreateUser } from '@/lib/schemas/user';
import type { ServiceRecord, UserRecord } from '../store/services';
import type { Engine } from './engine';
import { beginOperation, runNow } from './operations';
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
  const op = beginOperation(engine, service, 'create-user', { username });
  const user: UserRecord = {
    username,
    type: 'normal',
    passwordSealed: engine.box.seal(generatePassword()),
    allowReplication: body['allow-replication'] ?? false,
  };
  engine.services.addUser(service, user);
  return runNow(engine, op, async () => {
    try {
      await applyUser(engine, svc, user);
    } catch (err) {
      engine.services.removeUser(service, username);
      throw err;
    }
    await syncBouncer(engine, service);
  });
}

// DELETE /v2/dbaas-postgres/{service-name}/user/{username}
export async function deleteUser(engine: Engine, service: string, username: string): Promise<Operation> {
  const svc = requireRunning(engine, service);
  const user = requireUser(engine, service, username);
  if (user.type === 'primary') throw new ApiError('forbidden', `user ${username} is the service's admin and cannot be deleted`);
  requireUnpooled(engine, service, { username });
  const op = beginOperation(engine, service, 'delete-user', { username });
  return runNow(engine, op, async () => {
    await dropUser(engine, svc, username);
    engine.services.removeUser(service, username);
    await syncBouncer(engine, service);
  });
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
  const op = beginOperation(engine, service, 'reset-password', { username });
  // Stored first: if the engine stops here, recovery applies the stored password.
  engine.services.updateUser(service, username, { passwordSealed: engine.box.seal(password ?? generatePassword()) });
  return runNow(engine, op, () => applyOrRevert(engine, svc, before));
}

// PUT /v2/dbaas-postgres/{service-name}/user/{username}/allow-replication
export async function setAllowReplication(engine: Engine, service: string, username: string, allow: boolean) {
  const svc = requireRunning(engine, service);
  const before = requireUser(engine, service, username);
  const op = beginOperation(engine, service, 'allow-replication', { username });
  engine.services.updateUser(service, username, { allowReplication: allow });
  await runNow(engine, op, () => applyOrRevert(engine, svc, before));
  return {
    users: engine.services.users(service).map((u) => ({ username: u.username, 'allow-replication': u.allowReplication })),
  };
}

/** Applies the stored user; when PostgreSQL refuses, the store goes back to what it was. */
async function applyOrRevert(engine: Engine, svc: ServiceRecord, before: UserRecord): Promise<void> {
  try {
    await applyUser(engine, svc, requireUser(engine, svc.name, before.username));
  } catch (err) {
    engine.services.updateUser(svc.name, before.username, { passwordSealed: before.passwordSealed, allowReplication: before.allowReplication });
    throw err;
  }
  // PgBouncer checks passwords against the verifiers PostgreSQL now has
  await syncBouncer(engine, svc.name);
}
