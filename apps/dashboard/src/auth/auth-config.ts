/** What a signed-in operator may do: `viewer` reads, `admin` also retries, removes, cleans, pauses. */
export type Role = 'viewer' | 'admin';

export const ROLES: readonly Role[] = ['viewer', 'admin'];

export interface BasicUser {
  username: string;
  password: string;
  role: Role;
}

export interface BearerToken {
  token: string;
  role: Role;
}

/**
 * How operators sign in: HTTP basic auth (the browser shows its login prompt) or bearer tokens
 * (for proxies and scripts that add an `Authorization` header).
 */
export type AuthConfig =
  { mode: 'basic'; users: BasicUser[] } | { mode: 'bearer'; tokens: BearerToken[] };

/** Thrown for a malformed user or token list; names the entry and the rule, never the secret. */
export class AuthConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

function roleOf(value: string, where: string): Role {
  if ((ROLES as readonly string[]).includes(value)) return value as Role;
  throw new AuthConfigError(`${where}: role must be one of ${ROLES.join(', ')}`);
}

/**
 * Parses `user:password:role,...`. The role is the last field and the user name the first, so a
 * password may itself contain `:`.
 */
export function parseUsers(list: string): BasicUser[] {
  const entries = list
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
  if (entries.length === 0) throw new AuthConfigError('users: at least one user is required');
  return entries.map((entry, i) => {
    const first = entry.indexOf(':');
    const last = entry.lastIndexOf(':');
    const where = `users[${i}]`;
    if (first <= 0 || last === first) {
      throw new AuthConfigError(`${where}: expected user:password:role`);
    }
    const password = entry.slice(first + 1, last);
    if (password.length === 0) throw new AuthConfigError(`${where}: password must not be empty`);
    return {
      username: entry.slice(0, first),
      password,
      role: roleOf(entry.slice(last + 1), where),
    };
  });
}

/** Parses `token:role,...`; the role is the last field. */
export function parseTokens(list: string): BearerToken[] {
  const entries = list
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
  if (entries.length === 0) throw new AuthConfigError('tokens: at least one token is required');
  return entries.map((entry, i) => {
    const last = entry.lastIndexOf(':');
    const where = `tokens[${i}]`;
    if (last <= 0) throw new AuthConfigError(`${where}: expected token:role`);
    return { token: entry.slice(0, last), role: roleOf(entry.slice(last + 1), where) };
  });
}
