import type { Auth } from "./auth";

// better-auth's routes this app and its README use, in the API's one OpenAPI document: taken
// from better-auth's own OpenAPI generator (so request bodies follow the installed version),
// with this API's security schemes, its problem+json errors and OpenAPI 3.1 nullability.

interface AuthPath {
  method: "get" | "post";
  operationId: string;
  summary: string;
  tag: "Auth" | "Organization membership";
  signedIn: boolean;
  errors: number[];
}

// better-auth rate-limits every auth route per client address (429), sign-in and sign-up tightly.
const AUTH_PATHS: Record<string, AuthPath> = {
  "/sign-up/email": { method: "post", operationId: "signUpEmail", summary: "Create an account with email and password, signed in", tag: "Auth", signedIn: false, errors: [400, 422, 429] },
  "/sign-in/email": { method: "post", operationId: "signInEmail", summary: "Sign in with email and password (sets the session cookie)", tag: "Auth", signedIn: false, errors: [400, 401, 429] },
  "/sign-out": { method: "post", operationId: "signOut", summary: "Sign out (ends the session)", tag: "Auth", signedIn: true, errors: [400, 429] },
  "/get-session": { method: "get", operationId: "getSession", summary: "The current session and user, or null", tag: "Auth", signedIn: true, errors: [429] },
  "/organization/create": { method: "post", operationId: "createOrganization", summary: "Create an organization (its creator becomes owner; it becomes active)", tag: "Organization membership", signedIn: true, errors: [400, 401, 403, 429] },
  "/organization/set-active": { method: "post", operationId: "setActiveOrganization", summary: "Choose the organization the session works in", tag: "Organization membership", signedIn: true, errors: [400, 401, 403, 429] },
  "/organization/invite-member": { method: "post", operationId: "inviteMember", summary: "Invite someone by email with a role (admin); the answer's id is the link's secret", tag: "Organization membership", signedIn: true, errors: [400, 401, 403, 429] },
  "/organization/get-invitation": { method: "get", operationId: "getInvitation", summary: "An invitation addressed to the signed-in user", tag: "Organization membership", signedIn: true, errors: [400, 401, 403, 429] },
  "/organization/list-invitations": { method: "get", operationId: "listInvitations", summary: "The active organization's invitations", tag: "Organization membership", signedIn: true, errors: [400, 401, 403, 429] },
  "/organization/accept-invitation": { method: "post", operationId: "acceptInvitation", summary: "Accept an invitation: become a member", tag: "Organization membership", signedIn: true, errors: [400, 401, 403, 429] },
  "/organization/cancel-invitation": { method: "post", operationId: "cancelInvitation", summary: "Cancel a pending invitation (admin)", tag: "Organization membership", signedIn: true, errors: [400, 401, 403, 429] },
  "/organization/update-member-role": { method: "post", operationId: "updateMemberRole", summary: "Change a member's role (admin)", tag: "Organization membership", signedIn: true, errors: [400, 401, 403, 429] },
  "/organization/remove-member": { method: "post", operationId: "removeMember", summary: "Remove a member (admin); their assignments go", tag: "Organization membership", signedIn: true, errors: [400, 401, 403, 429] },
  "/organization/leave": { method: "post", operationId: "leaveOrganization", summary: "Leave an organization", tag: "Organization membership", signedIn: true, errors: [400, 401, 403, 429] },
  "/organization/delete": { method: "post", operationId: "deleteOrganization", summary: "Delete an organization with all its data (owner)", tag: "Organization membership", signedIn: true, errors: [400, 401, 403, 429] },
};

const ERROR_TEXT: Record<number, string> = {
  400: "Invalid input",
  401: "Not signed in, or wrong email or password",
  403: "Not allowed",
  422: "The email is already registered, or the password is not acceptable",
  429: "Too many attempts from this address: wait as long as Retry-After says",
};

type Json = Record<string, unknown>;

/** OpenAPI 3.0's `nullable: true` as 3.1 says it (`type: [t, "null"]`), and better-auth's refs renamed. */
function to31(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(to31);
  if (!value || typeof value !== "object") return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) {
    if (k === "nullable") continue;
    out[k] = k === "$ref" && typeof v === "string" ? v.replace("#/components/schemas/", "#/components/schemas/Auth") : to31(v);
  }
  const source = value as Json;
  if (source.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    else if (out.$ref) return { anyOf: [{ $ref: out.$ref }, { type: "null" }] };
  }
  // A $ref stands alone (better-auth adds `type: "object"` beside some).
  if (typeof out.$ref === "string" && Object.keys(out).length > 1) return { $ref: out.$ref };
  return out;
}

const problemRef = { $ref: "#/components/schemas/Problem" };

/** The names of the component schemas `value` refers to, and those they refer to in turn. */
function referenced(value: unknown, schemas: Record<string, unknown>, seen = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) referenced(v, schemas, seen);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string" && v.startsWith("#/components/schemas/")) {
        const name = v.slice("#/components/schemas/".length);
        if (!seen.has(name)) {
          seen.add(name);
          referenced(schemas[name], schemas, seen);
        }
      } else referenced(v, schemas, seen);
    }
  }
  return seen;
}

/** The paths (under /api/auth) and component schemas to merge into the API's document. */
export async function authOpenApi(auth: Auth): Promise<{ paths: Json; schemas: Json }> {
  const generated = (await (auth.api as unknown as { generateOpenAPISchema(): Promise<Json> }).generateOpenAPISchema()) as {
    paths: Record<string, Record<string, Json>>;
    components?: { schemas?: Record<string, unknown> };
  };
  const paths: Json = {};
  for (const [path, spec] of Object.entries(AUTH_PATHS)) {
    const operation = generated.paths[path]?.[spec.method];
    if (!operation) throw new Error(`better-auth no longer documents ${spec.method.toUpperCase()} ${path}`);
    const ok = (operation.responses as Record<string, unknown> | undefined)?.["200"];
    const responses: Json = { "200": ok ? to31(ok) : { description: "Done" } };
    for (const status of spec.errors) {
      responses[String(status)] = { description: ERROR_TEXT[status], content: { "application/problem+json": { schema: problemRef } } };
    }
    const { description: _generated, ...rest } = to31(operation) as Json;
    paths[`/api/auth${path}`] = {
      [spec.method]: {
        ...rest,
        operationId: spec.operationId,
        summary: spec.summary,
        tags: [spec.tag],
        security: spec.signedIn ? [{ session: [] }] : [],
        responses,
      },
    };
  }
  const all: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(generated.components?.schemas ?? {})) all[`Auth${name}`] = to31(schema);
  const schemas: Json = {};
  for (const name of referenced(paths, all)) if (name in all) schemas[name] = all[name];
  return { paths, schemas };
}
