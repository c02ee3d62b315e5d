import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { apiKeys, member, organization } from "../global/schema";
import { type AppEnv, type Principal, type Role, appOrigin } from "../http/env";
import { type RateLimitName, rateLimit } from "../http/rate-limit";
import { nowIso } from "../lib/ids";
import { Problem } from "../lib/problem";
import { orgStore } from "../store/client";
import type { Who } from "../store/context";
import { getAuth } from "./auth";
import { BoundedCache, cachedSession, rememberSession, sessionToken } from "./principals";

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const API_KEY_TOUCH_MS = 60_000;
/**
 * Pipeline calls arrive in bursts with the same key: each isolate remembers valid keys for a
 * minute, taking a D1 round trip off every call. Revoking evicts the key in this isolate;
 * others stop accepting it within API_KEY_CACHE_MS. A deleted organization's store refuses at once.
 */
const API_KEY_CACHE_MS = 60_000;
// Keyed by the presented token itself, so a cached key costs no SHA-256 per request.
const apiKeyCache = new BoundedCache<{ id: string; organizationId: string; lastUsedAt: string | null; until: number }>(1000);

export function forgetApiKey(id: string) {
  for (const [token, key] of apiKeyCache) if (key.id === id) apiKeyCache.delete(token);
}

async function principalFromApiKey(c: Context<AppEnv>, token: string): Promise<Principal> {
  const db = c.var.db;
  let key = apiKeyCache.get(token);
  if (!key || key.until < Date.now()) {
    const hash = await sha256Hex(token);
    const [row] = await db
      .select({ id: apiKeys.id, organizationId: apiKeys.organizationId, lastUsedAt: apiKeys.lastUsedAt })
      .from(apiKeys)
      .where(eq(apiKeys.keyHash, hash))
      .limit(1);
    if (!row) {
      apiKeyCache.delete(token);
      throw new Problem(401, "The API key is not valid (revoked or mistyped).");
    }
    key = { ...row, until: Date.now() + API_KEY_CACHE_MS };
    apiKeyCache.set(token, key);
  }
  // Record use at most once a minute: a write per pipeline request would double D1 load.
  if (!key.lastUsedAt || Date.parse(key.lastUsedAt) < Date.now() - API_KEY_TOUCH_MS) {
    const now = nowIso();
    key.lastUsedAt = now;
    const id = key.id;
    c.executionCtx.waitUntil(db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, id)).then(() => undefined));
  }
  return { kind: "api_key", organizationId: key.organizationId, apiKeyId: key.id };
}

async function principalFromSession(c: Context<AppEnv>): Promise<Principal> {
  const token = sessionToken(c.req.header("cookie"));
  const cached = cachedSession(token);
  if (cached) return cached;
  const session = await getAuth(c.env, c.req.url).api.getSession({ headers: c.req.raw.headers });
  if (!session) throw new Problem(401, "Sign in to continue.");
  const organizationId = session.session.activeOrganizationId;
  if (!organizationId) {
    throw new Problem(403, "No active organization: create one or set one active first.");
  }
  const [m] = await c.var.db
    .select({ id: member.id, role: member.role, organizationName: organization.name, organizationSlug: organization.slug })
    .from(member)
    .innerJoin(organization, eq(organization.id, member.organizationId))
    .where(and(eq(member.organizationId, organizationId), eq(member.userId, session.user.id)))
    .limit(1);
  if (!m) throw new Problem(403, "You are no longer a member of the active organization.");
  const principal = {
    kind: "session",
    userId: session.user.id,
    userName: session.user.name,
    userEmail: session.user.email,
    organizationId,
    organizationName: m.organizationName,
    organizationSlug: m.organizationSlug,
    memberId: m.id,
    role: m.role as Role,
  } as const;
  rememberSession(token, principal);
  return principal;
}

function resolvePrincipal(c: Context<AppEnv>): Promise<Principal> {
  const authorization = c.req.header("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match?.[1]) throw new Problem(401, "Authorization must be 'Bearer <api key>'.");
    return principalFromApiKey(c, match[1]);
  }
  return principalFromSession(c);
}

export const isAdmin = (p: Principal) => p.kind === "session" && (p.role === "owner" || p.role === "admin");

type Level = "member" | "admin" | "pipeline" | "member_or_key";

function guard(level: Level) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const principal = await resolvePrincipal(c);
    if (principal.kind === "api_key" && level !== "pipeline" && level !== "member_or_key") {
      throw new Problem(403, "API keys may only call the call-pipeline routes.");
    }
    if (principal.kind === "session" && level !== "member" && level !== "member_or_key" && !isAdmin(principal)) {
      throw new Problem(403, "Only an owner or admin of the organization may do this.");
    }
    c.set("principal", principal);
    c.set("store", orgStore(c.env, principal.organizationId, whoOf(principal)));
    await next();
  });
}

/** Who the store records for a request (field history). */
export const whoOf = (p: Principal): Who =>
  p.kind === "session" ? { kind: "member", id: p.memberId, name: p.userName } : { kind: "api_key", id: p.apiKeyId, name: null };

/** Any signed-in member of the active organization. */
export const memberOnly = guard("member");
/** Owners and admins of the active organization. */
export const adminOnly = guard("admin");
/** The call pipeline (organization API key) or an admin session. */
export const pipelineOnly = guard("pipeline");
/** Any signed-in member, or the organization's API key (the dialer, the SMS sender). */
export const memberOrKey = guard("member_or_key");

// What a route declares (apiRoute): its guard and the OpenAPI security of that guard.
const SESSION = { session: [] };
const API_KEY = { apiKey: [] };
/** Any signed-in member of the active organization. */
export const memberAccess = { middleware: [memberOnly], security: [SESSION] };
/** Owners and admins of the active organization. */
export const adminAccess = { middleware: [adminOnly], security: [SESSION] };
/** An access whose requests also count against a rate limit (after its guard: keyed by the principal). */
export const rateLimited = <A extends { middleware: readonly unknown[] }>(access: A, name: RateLimitName) => ({
  ...access,
  middleware: [...access.middleware, rateLimit(name)],
});
/** Any member, or an organization API key (rate limited per key like the pipeline). */
export const memberOrKeyAccess = rateLimited({ middleware: [memberOrKey], security: [API_KEY, SESSION] }, "pipeline");
/** The call pipeline (an organization API key, rate limited per key) or an admin session. */
export const pipelineAccess = rateLimited({ middleware: [pipelineOnly], security: [API_KEY, SESSION] }, "pipeline");

/** The session principal, for routes guarded by memberOnly or adminOnly. */
export function sessionOf(p: Principal) {
  if (p.kind !== "session") throw new Problem(403, "This action needs a signed-in user.");
  return p;
}

/** The signed-in member as the store records them (author, sender, assignee names). */
/** The member asking (a signed-in person), or null for an API key. */
export const memberOf = (p: Principal): string | null => (p.kind === "session" ? p.memberId : null);

export function actorOf(p: Principal) {
  const s = sessionOf(p);
  return { id: s.memberId, userId: s.userId, name: s.userName, email: s.userEmail, role: s.role, admin: isAdmin(s) };
}

/** Whether `origin` is this app's own (the request's origin, or the configured public one). */
export const isAppOrigin = (c: Context<AppEnv>, origin: string | undefined) => !!origin && [new URL(c.req.url).origin, appOrigin(c.env)].includes(origin);

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const OWN_BODY_TYPE = /^\/api\/(restore$|imports$|integrations\/twilio\/)/;

/**
 * Writes carry JSON or nothing (415 otherwise), and cookie-authenticated writes must prove they
 * come from this origin: an Origin header naming it, or, when a browser sends none, its own
 * Sec-Fetch-Site: same-origin. SameSite=Lax already keeps cookies off cross-site POSTs; this also
 * covers same-site siblings and old browsers. API-key requests and webhooks (no session cookie)
 * are checked by their own credentials. Hono's csrf() does not look at JSON requests.
 */
export const writeProtection = createMiddleware<AppEnv>(async (c, next) => {
  if (!WRITE_METHODS.has(c.req.method)) return next();
  const contentType = c.req.header("content-type");
  const hasBody = contentType !== undefined || (c.req.header("content-length") ?? "0") !== "0";
  // A backup restore (POST /api/restore) is NDJSON, an import (POST /api/imports) CSV and Twilio's webhooks are forms: their routes check that.
  if (hasBody && !/^application\/json\s*(;|$)/i.test(contentType ?? "") && !OWN_BODY_TYPE.test(c.req.path)) {
    throw new Problem(415, "Send the request body as application/json.");
  }
  if (!c.req.header("authorization") && sessionToken(c.req.header("cookie"))) {
    const origin = c.req.header("origin");
    const sameOrigin = origin ? isAppOrigin(c, origin) : c.req.header("sec-fetch-site") === "same-origin";
    if (!sameOrigin) throw new Problem(403, "Writes with a session cookie must come from this app's own pages (Origin or Sec-Fetch-Site).");
  }
  return next();
});
