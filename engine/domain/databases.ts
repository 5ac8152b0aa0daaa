// Databases of a service: real CREATE DATABASE / DROP DATABASE.
import { DatabaseError } from 'pg';
import { ApiError } from '@/lib/api-v2/errors';
import type { Operation } from '@/lib/schemas/operation';
import type { CreateDatabase } from '@/lib/schemas/database';
import { utf8LocaleProblem } from '../runtime/locales';
import { DEFAULT_DATABASE } from '../runtime/templates';
import { quoteIdent, quoteLiteral } from '../runtime/sql-text';
import type { Engine } from './engine';
import { recordApplyUndo, runNow, withOperation } from './operations';
import { requireUnpooled } from './pools';
import { databaseExists } from './roles';
import { masterSpec, requireNoMigration, requireRunning } from './lookup';

const SYSTEM_DATABASES = new Set(['postgres', 'template0', 'template1']);

// POST /v2/dbaas-postgres/{service-name}/database
export async function createDatabase(engine: Engine, service: string, body: CreateDatabase): Promise<Operation> {
  const svc = requireRunning(engine, service);
  const name = body['database-name'];
  for (const field of ['lc-collate', 'lc-ctype'] as const) {
    const locale = body[field];
    const problem = locale === undefined ? null : await utf8LocaleProblem(locale);
    if (problem) throw new ApiError('incorrect', `${field}: ${problem}`, field);
  }
  if (SYSTEM_DATABASES.has(name) || engine.services.database(service, name) || (await databaseExists(engine, svc, name))) {
    throw new ApiError('conflict', `database ${name} already exists`, 'database-name');
  }
  return recordApplyUndo(engine, service, 'create-database', { name }, {
    record: () => engine.services.addDatabase(service, { name, lcCollate: body['lc-collate'] ?? null, lcCtype: body['lc-ctype'] ?? null }),
    apply: () => applyDatabase(engine, service, name),
    undo: () => engine.services.removeDatabase(service, name),
  });
}

/** Creates the database as stored, if it does not exist yet. */
export async function applyDatabase(engine: Engine, service: string, name: string): Promise<void> {
  const svc = requireRunning(engine, service);
  const db = engine.services.database(service, name);
  if (!db || (await databaseExists(engine, svc, name))) return;
  const locale = [
    db.lcCollate ? `LC_COLLATE ${quoteLiteral(db.lcCollate)}` : '',
    db.lcCtype ? `LC_CTYPE ${quoteLiteral(db.lcCtype)}` : '',
  ].join(' ');
  try {
    await engine.runtime.query(
      masterSpec(engine, svc),
      `CREATE DATABASE ${quoteIdent(name)} OWNER ${quoteIdent(svc.adminUsername)} TEMPLATE template0 ENCODING 'UTF8' ${locale}`,
    );
  } catch (err) {
    // an unknown or incompatible locale: 42809 (wrong_object_type) or 22023 (invalid_parameter_value)
    if (err instanceof DatabaseError && (err.code === '42809' || err.code === '22023')) {
      const field = /ctype/i.test(err.message) ? 'lc-ctype' : 'lc-collate';
      throw new ApiError('incorrect', `${field}: ${err.message}`, field);
    }
    throw err;
  }
}

// DELETE /v2/dbaas-postgres/{service-name}/database/{database-name}
export async function deleteDatabase(engine: Engine, service: string, name: string): Promise<Operation> {
  requireRunning(engine, service);
  if (SYSTEM_DATABASES.has(name) || name === DEFAULT_DATABASE) {
    throw new ApiError('forbidden', `database ${name} is ${name === DEFAULT_DATABASE ? 'the default database' : 'a system database'} and cannot be deleted`);
  }
  if (!engine.services.database(service, name)) throw new ApiError('not-found', `database ${name} not found`);
  requireUnpooled(engine, service, { database: name });
  requireNoMigration(engine, service, `database ${name}`, name);
  return withOperation(engine, service, 'delete-database', { name }, (op) => runNow(engine, op, () => dropDatabase(engine, service, name)));
}

export async function dropDatabase(engine: Engine, service: string, name: string): Promise<void> {
  const svc = requireRunning(engine, service);
  // WITH (FORCE) ends the sessions still connected to it (PostgreSQL 13+).
  await engine.runtime.query(masterSpec(engine, svc), `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  engine.services.removeDatabase(service, name);
}
