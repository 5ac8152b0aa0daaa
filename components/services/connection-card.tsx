// How to connect: the URI (password masked until revealed), its parts, the
// read-only URIs of the standbys when there are some, the CA certificate and a
// psql command. The service data holds no password: the
// admin's is fetched only when revealed, and forgotten when hidden. Keys
// without the reveal right have nothing to reveal. Rendered on the server; the
// URIs with their reveal are the island (./connection-uris).
import { Card } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import type { ServicePg } from '@/lib/schemas/service';
import { ConnectionUris } from './connection-uris';

function psqlCommand(name: string, p: Record<string, string>): string {
  const host = p.host?.includes(':') ? `[${p.host}]` : (p.host ?? '');
  const user = encodeURIComponent(p.user ?? '');
  const db = encodeURIComponent(p.dbname ?? 'defaultdb');
  return `psql "postgres://${user}@${host}:${p.port ?? ''}/${db}?sslmode=verify-full&sslrootcert=${name}-ca.pem"`;
}

const link =
  'inline-flex items-center rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-zinc-50 ' +
  'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-500 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800';

export function ConnectionCard({ service }: { service: ServicePg }) {
  const name = service.name;
  const params = service['uri-params'] ?? {};
  const command = psqlCommand(name, params);
  const parts: [string, string | undefined][] = [
    ['Host', params.host],
    ['Port', params.port],
    ['Database', params.dbname],
    ['User', params.user],
    ['SSL mode', params.sslmode],
  ];

  return (
    <Card title="Connection">
      <div className="space-y-4">
        <ConnectionUris name={name} user={params.user ?? ''} uri={service.uri ?? ''} standby={service['connection-info']?.standby ?? []} />

        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
          {parts.map(([term, value]) => (
            <div key={term} className="contents">
              <dt className="text-zinc-500 dark:text-zinc-400">{term}</dt>
              <dd className="font-mono text-xs leading-5 break-all">{value ?? '–'}</dd>
            </div>
          ))}
        </dl>

        <div>
          <h3 className="mb-1 text-xs text-zinc-500 dark:text-zinc-400">Connect with psql</h3>
          <code className="block rounded-md bg-zinc-100 p-2 font-mono text-xs break-all dark:bg-zinc-900">{command}</code>
          <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
            Run it where you saved the CA certificate. psql asks for the password; set <code className="font-mono">PGPASSWORD</code> in
            the environment to skip the prompt.
          </p>
          <div className="mt-2 flex flex-wrap gap-2">
            <CopyButton value={command} label="Copy psql command" />
            <a href={`/api/services/${name}/ca-certificate`} download={`${name}-ca.pem`} className={link}>
              Download CA certificate
            </a>
          </div>
        </div>
      </div>
    </Card>
  );
}
