// Users of a service: real roles with SCRAM-SHA-256 passwords.
import { ApiError } from '@/lib/api-v2/errors';
import type { Operation } from '@/lib/schemas/operation';
import type { CreateUser } from '@/lib/schemas/user';
import type { ServiceRecord, UserRecord } from '../store/services';
import type { Engine } from './engine';
import { crashPoint } from './crash-points';
import { recordApplyUndo } from './operations';
import { generatePassword } from './passwords';
import { syncBouncer } from './bouncer';
import { requireRunning, requireService } from './lookup';
import { requireUnpooled } from './pools';
import { applyUser, dropUser, roleExists } from './roles';

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
  return recordApplyUndo(engine, service, 'create-user', { username }, {
    record: () => engine.services.addUser(service, user),
    apply: async () => {
      await applyUser(engine, svc, user);
      crashPoint('create-user:role-created');
      await syncBouncer(engine, service);
    },
    undo: () => engine.services.removeUser(service, username),
    // undone everywhere: an answer never says failed of a user that exists
    rederive: async () => {
      await dropUser(engine, svc, username);
      await syncBouncer(engine, service);
    },
  });
}

// DELETE /v2/dbaas-postgres/{service-name}/user/{username}
export async function deleteUser(engine: Engine, service: string, username: string): Promise<Operation> {
  const svc = requireRunning(engine, service);
  const user = requireUser(engine, service, username);
  if (user.type === 'primary') throw new ApiError('forbidden', `user ${username} is the service's admin and cannot be deleted`);
  requireUnpooled(engine, service, { username });
  return recordApplyUndo(engine, service, 'delete-user', { username }, {
    record: () => engine.services.removeUser(service, username),
    // PgBouncer stops admitting the user first; if it cannot be told, nothing changes
    apply: async () => {
      await syncBouncer(engine, service);
      await dropUser(engine, svc, username);
    },
    undo: () => engine.services.addUser(service, user),
    rederive: () => syncBouncer(engine, service),
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
  return changeUser(engine, svc, before, 'reset-password', { passwordSealed: engine.box.seal(password ?? generatePassword()) });
}

// PUT /v2/dbaas-postgres/{service-name}/user/{username}/allow-replication
export async function setAllowReplication(engine: Engine, service: string, username: string, allow: boolean) {
  const svc = requireRunning(engine, service);
  const before = requireUser(engine, service, username);
  await changeUser(engine, svc, before, 'allow-replication', { allowReplication: allow });
  return {
    users: engine.services.users(service).map((u) => ({ username: u.username, 'allow-replication': u.allowReplication })),
  };
}

/**
 * Stores a user's new password or right, then applies it to PostgreSQL and
 * PgBouncer (which checks passwords against the verifiers PostgreSQL now has).
 * When either refuses, the store, PostgreSQL and PgBouncer all go back.
 */
function changeUser(engine: Engine, svc: ServiceRecord, before: UserRecord, command: string, patch: { passwordSealed?: string; allowReplication?: boolean }): Promise<Operation> {
  const { username } = before;
  return recordApplyUndo(engine, svc.name, command, { username }, {
    // stored first: if the engine stops here, recovery applies the stored user
    record: () => engine.services.updateUser(svc.name, username, patch),
    apply: async () => {
      await applyUser(engine, svc, requireUser(engine, svc.name, username));
      crashPoint('reset-password:applied');
      await syncBouncer(engine, svc.name);
    },
    undo: () => engine.services.updateUser(svc.name, username, { passwordSealed: before.passwordSealed, allowReplication: before.allowReplication }),
    rederive: async () => {
      await applyUser(engine, svc, before);
      await syncBouncer(engine, svc.name);
    },
  });
}
