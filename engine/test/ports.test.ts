// Two engines on one host with the same port base (npm start beside a standalone
// engine): a service whose postmaster is down keeps its port; the other engine
// never hands it out.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { removeDataDir, startEngine, type TestEngine } from './harness';
import { masterSpec } from '../domain/lookup';

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
  await a.engine.runtime.stop(masterSpec(a.engine, first), 'fast');
  await b.createService('second', { version: '17' });
  const held = (t: TestEngine, name: string) => t.engine.services.heldPorts().filter((p) => p.service === name).map((p) => p.port);
  expect(held(a, 'first')).toHaveLength(2);
  expect(held(b, 'second')).toHaveLength(2);
  for (const port of held(a, 'first')) expect(held(b, 'second')).not.toContain(port);
});
