import type { Db } from "../global/db";
import type { StoreClient } from "../store/client";

export type Role = "owner" | "admin" | "member";

export type Principal =
  | {
      kind: "session";
      userId: string;
      userName: string;
      userEmail: string;
      organizationId: string;
      organizationName: string;
      organizationSlug: string;
      memberId: string;
      role: Role;
    }
  | { kind: "api_key"; organizationId: string; apiKeyId: string };

export interface AppEnv {
  Bindings: Env;
  /** db: the global D1 database; store: the principal's organization store (set by the guards). */
  Variables: { db: Db; principal: Principal; store: StoreClient };
}

/**
 * This app's public origin: BETTER_AUTH_URL (without a trailing slash), else the request's own.
 * The queue consumer has no request: without BETTER_AUTH_URL it has no origin to give out.
 */
export function appOrigin(env: Env, requestUrl: string): string;
export function appOrigin(env: Env): string | null;
export function appOrigin(env: Env, requestUrl?: string): string | null {
  if (env.BETTER_AUTH_URL) return env.BETTER_AUTH_URL.replace(/\/+$/, "");
  return requestUrl ? new URL(requestUrl).origin : null;
}
