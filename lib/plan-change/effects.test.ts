// What the plan change dialog says a move does, from the service type's figures and the upstream's preview.
import { describe, expect, it } from 'vitest';
import type { PlanChangesAnswer } from '@/lib/schemas/plan-change';
import type { ServicePg } from '@/lib/schemas/service';
import type { Plan } from '@/lib/schemas/service-type';
import { currentFigures, figuresOf, planEffects } from './effects';

const GiB = 1024 ** 3;
const plan = (name: string, nodes: number, memoryGiB: number, diskGiB: number, kept?: number): Plan => ({
  name,
  'node-count': nodes,
  'node-cpu-count': 2,
  'node-memory': memoryGiB * GiB,
  'disk-space': diskGiB * GiB,
  ...(kept === undefined ? {} : { 'backup-config': { 'max-count': kept } }),
});
const hobbyist = plan('hobbyist-2', 1, 2, 8, 2);
const startup = plan('startup-4', 1, 4, 80, 2);
const business = plan('business-4', 2, 4, 80, 14);
const premium = plan('premium-4', 3, 4, 80, 30);

const preview: PlanChangesAnswer = {
  'disk-use': { databases: 9 * GiB, wal: 0, backups: 0, total: 9 * GiB },
  'plan-changes': [
    {
      plan: 'startup-4',
      parameters: [
        { name: 'shared_buffers', from: '512MB', to: '1024MB', restart: true, 'from-settings': false },
        { name: 'effective_cache_size', from: '1536MB', to: '3072MB', restart: false, 'from-settings': false },
      ],
    },
    { plan: 'business-4', parameters: [], refused: { message: 'plan: a read replica runs one node; business-4 has 2', field: 'plan' } },
  ],
};

describe('planEffects', () => {
  it('with the upstream preview: the parameters that change, those that restart, and a refusal', () => {
    const up = planEffects(figuresOf(hobbyist), startup, preview);
    expect(up).toMatchObject({ memoryChanges: true, diskShrinks: false, standbysAdded: 0, standbysRemoved: 0, failover: 'unchanged', restartFor: ['shared_buffers'] });
    expect(up.preview?.parameters).toHaveLength(2);
    expect(up.refused).toBeUndefined();
    const refused = planEffects(figuresOf(hobbyist), business, preview);
    expect(refused.refused).toBe('plan: a read replica runs one node; business-4 has 2');
    expect(refused.restartFor).toEqual([]);
  });

  it('where the upstream has no preview: nothing said of parameters or restarts, the figures still compared', () => {
    const generic = planEffects(figuresOf(premium), hobbyist, { 'plan-changes': null });
    expect(generic).toMatchObject({ preview: null, restartFor: null, memoryChanges: true, diskShrinks: true, standbysRemoved: 2, failover: 'lost' });
    expect(planEffects(figuresOf(premium), hobbyist, undefined).preview).toBeUndefined();
  });

  it('counts the standbys a move adds or removes, and whether failover comes or goes', () => {
    expect(planEffects(figuresOf(startup), premium, undefined)).toMatchObject({ standbysAdded: 2, standbysRemoved: 0, failover: 'gained', memoryChanges: false });
    expect(planEffects(figuresOf(premium), business, undefined)).toMatchObject({ standbysAdded: 0, standbysRemoved: 1, failover: 'unchanged' });
  });
});

describe('currentFigures', () => {
  it('reads the plan from the service type, or from the service where the type no longer lists it', () => {
    const service = { name: 's', type: 'pg', plan: 'startup-4' } as ServicePg;
    expect(currentFigures(service, [hobbyist, startup])).toEqual({ name: 'startup-4', nodes: 1, cpus: 2, memory: 4 * GiB, disk: 80 * GiB, backupsKept: 2 });
    const old = { ...service, plan: 'legacy-1', 'node-count': 2, 'node-cpu-count': 1, 'node-memory': GiB, 'disk-size': 10 * GiB } as ServicePg;
    expect(currentFigures(old, [hobbyist])).toEqual({ name: 'legacy-1', nodes: 2, cpus: 1, memory: GiB, disk: 10 * GiB });
  });
});
