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
