'use client';
// Connect as a user to a database: the service's URI with that user and database, its password shown on demand and
// copied with it, as on the connection card.
import { useState } from 'react';
import { UriPasswordActions, useUriPassword } from '@/components/services/connection-uris';
import { Field, Select } from '@/components/ui/field';
import { userDatabaseUri } from '@/lib/access/grid';

interface Props {
  name: string;
  serviceUri: string;
  users: string[];
  databases: string[];
}

export function UserUri({ name, serviceUri, users, databases }: Props) {
  const [user, setUser] = useState(users[0] ?? '');
  const [database, setDatabase] = useState(databases[0] ?? '');
  return (
    <div className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-2">
        <Field id="connect-user" label="User">
          <Select id="connect-user" value={user} onChange={(e) => setUser(e.target.value)}>
            {users.map((u) => (
              <option key={u}>{u}</option>
            ))}
          </Select>
        </Field>
        <Field id="connect-database" label="Database">
          <Select id="connect-database" value={database} onChange={(e) => setDatabase(e.target.value)}>
            {databases.map((d) => (
              <option key={d}>{d}</option>
            ))}
          </Select>
        </Field>
      </div>
      {/* another user: its password is another one, fetched again when asked */}
      <Uri key={user} name={name} user={user} uri={userDatabaseUri(serviceUri, user, database)} />
    </div>
  );
}

function Uri({ name, user, uri }: { name: string; user: string; uri: string }) {
  const password = useUriPassword(name, user);
  return (
    <div role="group" aria-label={`Connection URI of ${user}`}>
      <code className="block rounded-md bg-zinc-100 p-2 font-mono text-xs break-all dark:bg-zinc-900">{password.display(uri)}</code>
      <UriPasswordActions uri={uri} password={password} />
    </div>
  );
}
