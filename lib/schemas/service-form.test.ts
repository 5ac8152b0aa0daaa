// The create form's values → the API body, and API error fields → form fields.
import { describe, expect, it } from 'vitest';
import { blankServiceForm } from './form-defaults';
import { createServiceSchema } from './service';
import { forkFormSchema, formFieldFor, serviceFormSchema, toCreateServiceBody, type ServiceForm } from './service-form';

const base: ServiceForm = { ...blankServiceForm('startup-4', '17'), name: 'web', version: '17' };

describe('toCreateServiceBody', () => {
  it('sends only what was set', () => {
    expect(toCreateServiceBody(base)).toEqual({ plan: 'startup-4', version: '17' });
  });

  it('turns every field into the API shape, which the shared schema accepts', () => {
    const body = toCreateServiceBody({
      ...base,
      adminUsername: 'boss',
      adminPassword: 'long-enough-1',
      ipFilter: '10.0.0.0/8\n\n  192.168.1.7 \n2001:DB8::/32',
      backupTime: '02:30',
      maintenanceDow: 'sunday',
      maintenanceTime: '04:15',
      terminationProtection: true,
    });
    expect(body).toEqual({
      plan: 'startup-4',
      version: '17',
      'admin-username': 'boss',
      'admin-password': 'long-enough-1',
      'ip-filter': ['10.0.0.0/8', '192.168.1.7/32', '2001:db8::/32'],
      'backup-schedule': { 'backup-hour': 2, 'backup-minute': 30 },
      maintenance: { dow: 'sunday', time: '04:15:00' },
      'termination-protection': true,
    });
    expect(createServiceSchema.safeParse(body).success).toBe(true);
  });

  it("makes a fork: its source and time, no version nor admin (the source's)", () => {
    const body = toCreateServiceBody({ ...base, adminUsername: 'boss', forkFrom: 'orders', recoveryPoint: 'time', recoveryTime: '2026-03-02T10:30:07' });
    expect(body).toEqual({ plan: 'startup-4', 'fork-from-service': 'orders', 'recovery-backup-time': '2026-03-02T10:30:07Z' });
    expect(createServiceSchema.safeParse(body).success).toBe(true);
  });
});

describe('serviceFormSchema', () => {
  it('names the line of a bad CIDR', () => {
    const r = serviceFormSchema.safeParse({ ...base, ipFilter: '10.0.0.0/8\n\nnot-an-ip' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/^line 3: invalid CIDR "not-an-ip"/);
  });

  it('wants a time with a maintenance day, except never', () => {
    expect(serviceFormSchema.safeParse({ ...base, maintenanceDow: 'monday' }).error?.issues[0]?.path).toEqual(['maintenanceTime']);
    expect(serviceFormSchema.safeParse({ ...base, maintenanceDow: 'never' }).success).toBe(true);
  });

  it("checks a fork's time against its source's window, and nothing of the kind without a source", () => {
    const window = { earliest: '2026-03-02T10:00:00Z', latest: '2026-03-02T11:00:00Z' };
    const early = { ...base, recoveryPoint: 'time' as const, recoveryTime: '2026-03-02T09:59:59' };
    expect(forkFormSchema(window).safeParse({ ...early, forkFrom: 'orders' }).error?.issues.map((i) => i.path)).toEqual([['recoveryTime']]);
    expect(forkFormSchema(window).safeParse(early).success).toBe(true);
  });
});

describe('formFieldFor', () => {
  it.each([
    ['plan', 'plan'],
    ['admin-password', 'adminPassword'],
    ['ip-filter[2]', 'ipFilter'],
    ['maintenance.dow', 'maintenanceDow'],
    ['maintenance.time', 'maintenanceTime'],
    ['backup-schedule.backup-hour', 'backupTime'],
    ['fork-from-service', 'forkFrom'],
    ['recovery-backup-time', 'recoveryTime'],
    ['pg-settings', undefined],
    [undefined, undefined],
  ])('%s → %s', (api, form) => {
    expect(formFieldFor(api)).toBe(form);
  });
});
