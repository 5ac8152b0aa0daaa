// npm run engine -- keys create NAME [--role admin|operator|viewer] | list | revoke KEY|NAME  [--data DIR]
import { defaultDataDir } from '../config';
import { openStore } from '../domain/engine';
import { roles, type Role } from '../store/keys';

const usage = `usage: npm run engine -- keys create NAME [--role admin|operator|viewer] [--data DIR]
       npm run engine -- keys list [--data DIR]
       npm run engine -- keys revoke KEY_OR_NAME [--data DIR]`;

export function keysCommand(args: string[]): number {
  const rest: string[] = [];
  let dataDir = process.env.PGDECK_DATA ?? defaultDataDir();
  let role: Role = 'viewer';
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--data') dataDir = args[++i] ?? dataDir;
    else if (a === '--role') {
      const r = args[++i] ?? '';
      if (!(roles as readonly string[]).includes(r)) {
        console.error(`--role must be one of ${roles.join(', ')}`);
        return 2;
      }
      role = r as Role;
    } else rest.push(a);
  }
  const [command, target] = rest;
  const store = openStore(dataDir);
  try {
    if (command === 'create' && target && /^[A-Za-z0-9._-]{1,64}$/.test(target)) {
      if (store.keys.list().some((k) => k.name === target)) {
        console.error(`a key named ${target} exists already`);
        return 1;
      }
      const { key, secret } = store.keys.create(target, role);
      // The secret is shown once, here; it is stored encrypted.
      console.log(JSON.stringify({ name: target, role, key, secret }, null, 2));
      return 0;
    }
    if (command === 'list' && !target) {
      for (const k of store.keys.list()) {
        console.log(`${k.key}\t${k.name}\t${k.role}\t${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}`);
      }
      return 0;
    }
    if (command === 'revoke' && target) {
      if (!store.keys.revoke(target)) {
        console.error(`no active key ${target}`);
        return 1;
      }
      console.log(`revoked ${target}`);
      return 0;
    }
    console.error(usage);
    return 2;
  } finally {
    store.db.close();
  }
}
