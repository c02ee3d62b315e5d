import type { Principal } from "../http/env";

/** A small map that forgets everything when it grows past `max` (isolate memory is bounded). */
export class BoundedCache<V> extends Map<string, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(key: string, value: V) {
    if (this.size >= this.max && !this.has(key)) this.clear();
    return super.set(key, value);
  }
}

/**
 * Signed-in requests: better-auth's session and user reads plus the membership read were most
 * of a signed-in request's time (~13 ms locally), so each isolate remembers the principal of a
 * session cookie for a few seconds. Auth requests with that cookie (sign-out, switching
 * organization) and membership changes evict it in this isolate; in other isolates a revoked
 * session or membership stops working within SESSION_CACHE_MS.
 */
export const SESSION_CACHE_MS = 5_000;
const sessions = new BoundedCache<{ principal: Principal & { kind: "session" }; until: number }>(10_000);
const SESSION_COOKIE = /(?:^|;\s*)(?:__Secure-)?better-auth\.session_token=([^;]+)/;

export const sessionToken = (cookie: string | undefined) => (cookie ? SESSION_COOKIE.exec(cookie)?.[1] : undefined);

export function cachedSession(token: string | undefined) {
  const hit = token ? sessions.get(token) : undefined;
  return hit && hit.until > Date.now() ? hit.principal : undefined;
}

export function rememberSession(token: string | undefined, principal: Principal & { kind: "session" }) {
  if (token) sessions.set(token, { principal, until: Date.now() + SESSION_CACHE_MS });
}

export function forgetSession(cookie: string | undefined) {
  const token = sessionToken(cookie);
  if (token) sessions.delete(token);
}

/** Forgets the cached sessions of a user (`userId`) or of everyone in an organization. */
export function forgetSessionsOf(match: { userId?: string; organizationId?: string }) {
  for (const [token, { principal }] of sessions) {
    if (principal.userId === match.userId || principal.organizationId === match.organizationId) sessions.delete(token);
  }
}
