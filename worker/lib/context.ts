import type { Db } from "../db/client";

export type Role = "owner" | "admin" | "member";

export type Principal =
  | {
      kind: "session";
      userId: string;
      userName: string;
      organizationId: string;
      memberId: string;
      role: Role;
    }
  | { kind: "api_key"; organizationId: string; apiKeyId: string };

export interface AppEnv {
  Bindings: Env;
  Variables: { db: Db; principal: Principal };
}
