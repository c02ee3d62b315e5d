import { matchPath } from "./router.svelte";

/** Who may see a page: anyone, the invitee (signed in or not), a new account, a member, an admin. */
export type Access = "public" | "invitee" | "onboarding" | "member" | "admin";

export type RouteName =
  | "sign-in"
  | "sign-up"
  | "onboarding"
  | "invite"
  | "contacts"
  | "assignments"
  | "import"
  | "trash"
  | "duplicates"
  | "contact"
  | "settings";

const ROUTES: { pattern: string; name: RouteName; access: Access }[] = [
  { pattern: "/sign-in", name: "sign-in", access: "public" },
  { pattern: "/sign-up", name: "sign-up", access: "public" },
  { pattern: "/onboarding", name: "onboarding", access: "onboarding" },
  { pattern: "/invite/:id", name: "invite", access: "invitee" },
  { pattern: "/contacts", name: "contacts", access: "member" },
  // Before /contacts/:id, which would take "assignments" for an id.
  { pattern: "/contacts/assignments", name: "assignments", access: "admin" },
  { pattern: "/contacts/import", name: "import", access: "admin" },
  { pattern: "/contacts/trash", name: "trash", access: "member" },
  { pattern: "/contacts/duplicates", name: "duplicates", access: "member" },
  { pattern: "/contacts/:id", name: "contact", access: "member" },
  { pattern: "/settings", name: "settings", access: "admin" },
];

export interface Route {
  name: RouteName;
  access: Access;
  params: Record<string, string>;
}

export function findRoute(path: string): Route | null {
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, path);
    if (params) return { name: route.name, access: route.access, params };
  }
  return null;
}

/** Why a member was sent back from an admin page. */
export const ADMIN_ONLY: Partial<Record<RouteName, string>> = {
  assignments: "Assignments are managed by admins. Ask an owner or admin of your organization if you need access.",
  import: "Imports are run by admins. Ask an owner or admin of your organization to import a file.",
  settings: "Settings are managed by admins. Ask an owner or admin of your organization if you need access.",
};
