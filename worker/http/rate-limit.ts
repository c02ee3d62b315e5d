import type { MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { Problem } from "../lib/problem";
import type { AppEnv, Principal } from "./env";

/**
 * The API's rate limits, each a Cloudflare rate limiting binding ([[ratelimits]] in wrangler.toml,
 * counted per Cloudflare location, approximately). Cloudflare's binding answers only "within the
 * limit or not", so the numbers here repeat the binding's for the RateLimit headers; a test
 * checks that they agree with wrangler.toml. A limit whose binding is absent is not enforced.
 */
export const RATE_LIMITS = {
  /** The call-pipeline routes, per API key (a session calling them is not counted). */
  pipeline: { binding: "PIPELINE_RATE_LIMIT", limit: 300, period: 10, per: "API key" },
  /** The contact list and search (POST /api/contacts/list, GET /api/contacts/assignments), per organization. */
  search: { binding: "SEARCH_RATE_LIMIT", limit: 200, period: 10, per: "organization" },
} as const;
export type RateLimitName = keyof typeof RATE_LIMITS;

const KEYS: Record<RateLimitName, (p: Principal) => string | null> = {
  pipeline: (p) => (p.kind === "api_key" ? p.apiKeyId : null),
  search: (p) => p.organizationId,
};

const limiters = new WeakSet<object>();
/** Whether a route's middleware counts requests against a limit (its OpenAPI answers declare 429). */
export const isRateLimiter = (middleware: unknown) => typeof middleware === "function" && limiters.has(middleware);

/**
 * Counts the request against `name` for the principal the guard set: over the limit answers 429
 * with Retry-After and the IETF RateLimit / RateLimit-Policy fields. If the binding itself fails,
 * the request goes through (a limiter outage must not take calls down).
 */
export function rateLimit(name: RateLimitName): MiddlewareHandler<AppEnv> {
  const { binding, limit, period } = RATE_LIMITS[name];
  const middleware = createMiddleware<AppEnv>(async (c, next) => {
    const limiter = (c.env as unknown as Record<string, RateLimit | undefined>)[binding];
    const key = KEYS[name](c.var.principal);
    if (!limiter || key === null) return next();
    c.header("RateLimit-Policy", `"${name}";q=${limit};w=${period}`);
    let success = true;
    try {
      ({ success } = await limiter.limit({ key: `${name}:${key}` }));
    } catch (err) {
      console.error(`rate limit ${binding} failed; letting the request through`, err);
    }
    if (success) return next();
    // Windows are fixed: the count resets within one period, which is all the binding tells.
    c.header("Retry-After", String(period));
    c.header("RateLimit", `"${name}";r=0;t=${period}`);
    throw new Problem(429, `Too many requests: at most ${limit} every ${period} seconds per ${RATE_LIMITS[name].per}. Retry after ${period} seconds.`);
  });
  limiters.add(middleware);
  return middleware;
}
