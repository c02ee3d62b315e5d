import { Problem } from "../lib/problem";
import type { Who } from "./context";
import type { Answer, OrgStore } from "./org-store";

type Methods = {
  [K in keyof OrgStore as OrgStore[K] extends (...args: never[]) => Answer<unknown> | Promise<Answer<unknown>> ? K : never]: OrgStore[K];
};

/** The organization's store as the Worker calls it: each method one RPC, problems thrown as Problem. */
export type StoreClient = {
  [K in keyof Methods]: Methods[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R> extends Answer<infer T> ? T : never> : never;
} & { destroy(): Promise<void> };

// idFromName hashes the name; an organization's id never changes. (Stubs themselves cannot be
// kept across requests.)
const ids = new Map<string, DurableObjectId>();

function stubFor(env: Env, organizationId: string): DurableObjectStub<OrgStore> {
  let id = ids.get(organizationId);
  if (!id) {
    if (ids.size >= 10_000) ids.clear();
    ids.set(organizationId, (id = env.ORG_STORE.idFromName(organizationId)));
  }
  return env.ORG_STORE.get(id);
}

/**
 * The store of an organization, its calls made for `who` (the member or API key of the request:
 * what the field history records as "by"); without one, for the system (jobs, webhooks).
 */
export function orgStore(env: Env, organizationId: string, who: Who | null = null): StoreClient {
  const stub = stubFor(env, organizationId) as unknown as Record<string, (...args: unknown[]) => Promise<Answer<unknown>>> & {
    call(method: string, args: unknown[], who: Who | null): Promise<Answer<unknown>>;
  };
  return new Proxy({} as StoreClient, {
    get: (_, method: string) =>
      method === "then"
        ? undefined
        : async (...args: unknown[]) => {
        if (method === "destroy") return stub.destroy!();
        const answer = await stub.call(method, args, who);
        if (answer.ok) return answer.value;
        throw new Problem(answer.problem.status, answer.problem.detail, answer.problem.extra);
      },
  });
}

/** Opens a member's live connection to the organization's store (the WebSocket upgrade answer). */
export function openLiveSocket(env: Env, organizationId: string, memberId: string): Promise<Response> {
  return stubFor(env, organizationId).fetch("https://store/live", { headers: { upgrade: "websocket", "x-member-id": memberId } });
}
