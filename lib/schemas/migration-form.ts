// The source of a migration as a form holds it (the "Migrate data in" wizard
// and the create form's "Migrate from an existing server"): text inputs,
// blanks meaning "the default", checked with the shared migration schema only
// once a source is wanted; then the `migration` object, or the pre-check's body.
import { z } from 'zod';
import { ignoredDatabases, migrationMethods, migrationSchema, sourceUri, type Migration, type MigrationCheck } from './migration';

export const sourceSslModes = ['verify-full', 'verify-ca', 'require'] as const;

/** What the inputs hold; nothing is checked here (see checkSourceForm), so a form may carry it unused. */
export const sourceFormSchema = z.object({
  host: z.string(),
  port: z.string(),
  ssl: z.boolean(),
  sslMode: z.enum(sourceSslModes),
  username: z.string(),
  password: z.string(),
  dbname: z.string(),
  ignoreDbs: z.string(),
  /** '' lets the service choose: replication where the source allows it, dump otherwise. */
  method: z.enum(['', ...migrationMethods]),
});
export type SourceForm = z.infer<typeof sourceFormSchema>;

const shape = migrationSchema.shape;

/** Adds an issue at `path` + the field for each field `v` gets wrong, in the shared schema's words. */
export function checkSourceForm(v: SourceForm, ctx: z.RefinementCtx, path: (string | number)[] = []): void {
  const check = (field: keyof SourceForm, schema: z.ZodType, value: unknown) => {
    const r = schema.safeParse(value);
    if (!r.success) ctx.addIssue({ code: 'custom', path: [...path, field], message: r.error.issues[0]?.message ?? 'invalid value' });
  };
  check('host', shape.host, v.host.trim());
  if (/^\d{1,5}$/.test(v.port.trim())) check('port', shape.port, Number(v.port));
  else ctx.addIssue({ code: 'custom', path: [...path, 'port'], message: 'must be a port number between 1 and 65535' });
  // blank: the default (user postgres, database postgres, no password, nothing skipped)
  if (v.username) check('username', shape.username, v.username);
  if (v.password) check('password', shape.password, v.password);
  if (v.dbname) check('dbname', shape.dbname, v.dbname);
  if (v.ignoreDbs.trim()) check('ignoreDbs', shape['ignore-dbs'], v.ignoreDbs);
}

/** The wizard's form: a source must be filled in. */
export const filledSourceFormSchema = sourceFormSchema.superRefine((v, ctx) => checkSourceForm(v, ctx));

/** The `migration` object of create and PUT: only what was set. */
export function toMigration(v: SourceForm): Migration {
  const m: Migration = { host: v.host.trim(), port: Number(v.port), ssl: v.ssl };
  if (v.ssl && v.sslMode !== 'verify-full') m['pgdeck-ssl-mode'] = v.sslMode;
  if (v.username) m.username = v.username;
  if (v.password) m.password = v.password;
  if (v.dbname) m.dbname = v.dbname;
  const skipped = ignoredDatabases(v.ignoreDbs);
  if (skipped.length > 0) m['ignore-dbs'] = skipped.join(',');
  if (v.method) m.method = v.method;
  return m;
}

/** The pre-check's body: the source as a URI (its password inside, sent in the body only), method and skips apart. */
export function toMigrationCheck(v: SourceForm): MigrationCheck {
  const { method, 'ignore-dbs': ignoreDbs, ...source } = toMigration(v);
  return { 'source-service-uri': sourceUri(source), ...(method ? { method } : {}), ...(ignoreDbs ? { 'ignore-dbs': ignoreDbs } : {}) };
}

const apiFields: Record<string, keyof SourceForm> = {
  host: 'host',
  port: 'port',
  username: 'username',
  password: 'password',
  dbname: 'dbname',
  ssl: 'ssl',
  'pgdeck-ssl-mode': 'sslMode',
  'ignore-dbs': 'ignoreDbs',
  method: 'method',
};

/** The form field an API error's `field` belongs to (`migration.host`, `ignore-dbs`…); none for the URI as a whole. */
export function sourceFieldFor(apiField: string | undefined): keyof SourceForm | undefined {
  const key = apiField?.replace(/^migration\./, '');
  return key && Object.hasOwn(apiFields, key) ? apiFields[key] : undefined;
}
