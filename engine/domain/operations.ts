// Running mutations as operations: one pending operation per service at a
// time (a second mutation is refused as busy), recorded before acting, and
// finished as success or failure, never left pending.
import { ApiError } from '@/lib/api-v2/errors';
import type { Operation } from '@/lib/schemas/operation';
import type { OperationRow } from '../store/operations';
import type { Engine } from './engine';

export function toApiOperation(row: OperationRow, engine: Engine): Operation {
  return {
    id: row.id,
    state: row.state,
    ...(row.reason ? { reason: row.reason as Operation['reason'] } : {}),
    ...(row.message ? { message: row.message } : {}),
    reference: { id: row.id, link: `${engine.config.publicUrl}/dbaas-postgres/${row.service}`, command: row.command },
  };
}

/** Records a pending operation, or refuses when the service already has one. */
function beginOperation(engine: Engine, service: string, command: string, params: unknown = {}): OperationRow {
  if (engine.recovering.has(service)) {
    throw new ApiError('busy', `service ${service} is being brought up after an engine restart; retry in a moment`);
  }
  return engine.db.transaction(() => {
    const pending = engine.operations.pendingFor(service);
    if (pending) {
      throw new ApiError('busy', `service ${service} is busy with ${pending.command} (operation ${pending.id}); retry when it has finished`);
    }
    return engine.operations.insert(service, command, params);
  })();
}

/**
 * Begins an operation and runs `body`, which answers it (through runNow or
 * runLater). Whatever `body` throws before that, the operation still ends: as
 * a failure with the reason, so the service accepts the next request.
 */
export async function withOperation(
  engine: Engine,
  service: string,
  command: string,
  params: unknown,
  body: (op: OperationRow) => Promise<Operation> | Operation,
): Promise<Operation> {
  const op = beginOperation(engine, service, command, params);
  try {
    return await body(op);
  } catch (err) {
    const f = failureOf(err);
    if (engine.operations.get(op.id)?.state === 'pending') engine.operations.finish(op.id, 'failure', f.reason, f.message);
    throw err instanceof ApiError ? err : new ApiError('fault', `${command} failed: ${f.message}`);
  }
}

/** A change to a service's contents, as recordApplyUndo runs it. */
export interface Change {
  /** Writes the change to the store, first: an engine stopped after it finishes the change at its next start. */
  record(): void;
  /** Makes it live (PostgreSQL, PgBouncer). */
  apply(): Promise<void>;
  /** Puts the store back as it was. */
  undo(): void;
  /** After an undo: makes what is live match the store again (a failure here is logged; the first error is the answer). */
  rederive?(): Promise<void>;
}

/**
 * The one way databases, users and pools change: record, apply, and when
 * applying fails undo it in the store and live, so the answer (an error)
 * never contradicts the state. The operation ends either way.
 */
export function recordApplyUndo(engine: Engine, service: string, command: string, params: unknown, change: Change): Promise<Operation> {
  return withOperation(engine, service, command, params, (op) => {
    change.record();
    return runNow(engine, op, async () => {
      try {
        await change.apply();
      } catch (err) {
        change.undo();
        await change.rederive?.().catch((e: Error) => console.error(`${service}: putting things back after a failed ${command} failed: ${e.message}`));
        throw err;
      }
    });
  });
}

function failureOf(err: unknown): { reason: string; message: string } {
  if (err instanceof ApiError) return { reason: err.reason, message: err.message };
  return { reason: 'fault', message: (err as Error)?.message ?? String(err) };
}

/** Short operations: done before answering; an error becomes the HTTP error. */
export async function runNow(engine: Engine, op: OperationRow, work: () => Promise<void | string>): Promise<Operation> {
  let message: string | void;
  try {
    message = await work();
  } catch (err) {
    const f = failureOf(err);
    // an internal failure is logged as a long operation's is; a refusal is the client's to read
    if (!(err instanceof ApiError)) console.error(`operation ${op.id} (${op.command} ${op.service}) failed: ${(err as Error)?.stack ?? f.message}`);
    engine.operations.finish(op.id, 'failure', f.reason, f.message);
    throw err instanceof ApiError ? err : new ApiError('fault', `${op.command} failed: ${f.message}`);
  }
  engine.operations.finish(op.id, 'success', undefined, message || undefined);
  return toApiOperation(engine.operations.get(op.id) as OperationRow, engine);
}

/** Long operations: answered pending, finished in the background; `work` may say what it did (the operation's message). */
export function runLater(
  engine: Engine, op: OperationRow, work: () => Promise<void | string>, onFailure?: () => Promise<void>, onSuccess?: () => Promise<void>,
): Operation {
  const task = (async () => {
    try {
      const message = await work();
      engine.operations.finish(op.id, 'success', undefined, message || undefined);
      // after the finish: what follows may be an operation of its own on the same service
      await onSuccess?.().catch((e: Error) => console.error(`after ${op.command} ${op.service}: ${e.message}`));
    } catch (err) {
      const f = failureOf(err);
      console.error(`operation ${op.id} (${op.command} ${op.service}) failed: ${f.message}`);
      await onFailure?.().catch((e: Error) => console.error(`cleanup after ${op.command} ${op.service} failed: ${e.message}`));
      engine.operations.finish(op.id, 'failure', f.reason, f.message);
    }
  })();
  engine.inflight.add(task);
  void task.finally(() => engine.inflight.delete(task));
  return toApiOperation(op, engine);
}
