// The create form's and the migration wizard's values as they open: plain
// objects, apart from their schemas (service-form.ts, migration-form.ts), so a
// form renders before it loads zod to check what is typed.
import type { SourceForm } from './migration-form';
import type { ServiceForm } from './service-form';

export const blankSourceForm = (): SourceForm => ({
  host: '',
  port: '5432',
  ssl: true,
  sslMode: 'verify-full',
  username: '',
  password: '',
  dbname: '',
  ignoreDbs: '',
  method: '',
});

/** The create form as it opens: everything blank but the plan and version the service type suggests. */
export function blankServiceForm(plan: string, version: ServiceForm['version'] | undefined): Omit<ServiceForm, 'version'> & { version?: ServiceForm['version'] } {
  return {
    name: '',
    plan,
    version,
    adminUsername: '',
    adminPassword: '',
    ipFilter: '',
    backupTime: '',
    maintenanceDow: '',
    maintenanceTime: '',
    terminationProtection: false,
    forkFrom: '',
    recoveryPoint: 'latest',
    recoveryBackup: '',
    recoveryTime: '',
    migrate: false,
    source: blankSourceForm(),
  };
}
