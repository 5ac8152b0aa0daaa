// Signed calls from the command line:  npx tsx scripts/api.ts GET /dbaas-service [JSON_BODY]
// Credentials from PGDECK_DATA/credentials.json (or PGDECK_KEY/PGDECK_SECRET), endpoint from PGDECK_ENGINE_URL.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiRequest } from '../lib/api-v2/client';
import { defaultDataDir } from '../engine/config';

const [method = 'GET', path = '/zone', body] = process.argv.slice(2);
const file = join(process.env.PGDECK_DATA ?? defaultDataDir(), 'credentials.json');
const creds = process.env.PGDECK_KEY
  ? { key: process.env.PGDECK_KEY, secret: process.env.PGDECK_SECRET ?? '' }
  : (JSON.parse(readFileSync(file, 'utf8')) as { key: string; secret: string });
const res = await apiRequest({ baseUrl: process.env.PGDECK_ENGINE_URL ?? 'http://127.0.0.1:8079/v2', ...creds }, method, path, body ? JSON.parse(body) : undefined);
console.log(res.status, JSON.stringify(res.body, null, 2));
