// Generated passwords: 24 url-safe characters (144 bits), which the API's
// password pattern ^[a-zA-Z0-9-_]+$ accepts.
import { randomBytes } from 'node:crypto';

export const generatePassword = (): string => randomBytes(18).toString('base64url');
