// Two engines on one host with the same port base (npm start beside a standalone
// engine): a service whose postmaster is down keeps its port; the other engine
// never hands it out.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { removeDataDir, startEngine, type TestEngine } from './harness';

let a: TestEngine;
let b: TestEngine;

beforeAll(async () => {
  a = await startEngine({ supervise: false });
  b = await startEngine({ supervise: false });
  b.engine.config.pgPortBase = a.engine.config.pgPortBase;
});
afterAll(async () => {
  for (const t of [a, b]) {
    await t?.stop();
    if (t) removeDataDir(t.dataDir);
  }
});

it('the other engine does not take the port of a service whose postmaster is down', async () => {
  await a.createService('first', { version: '17' });
  const first = a.engine.services.get('first');
  if (!first) throw new Error('no service first');
  await a.engine.runtime.stop(a.engine.spec(first), 'fast');
  await b.createService('second', { version: '17' });
  const second = b.engine.services.get('second');
  expect([second?.port, second?.pgbouncerPort]).not.toContain(first.port);
  expect([second?.port, second?.pgbouncerPort]).not.toContain(first.pgbouncerPort);
});
