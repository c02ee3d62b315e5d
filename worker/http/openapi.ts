import { OpenAPIHono, type RouteConfig, createRoute, z } from "@hono/zod-openapi";
import type { Context, TypedResponse } from "hono";
import type { AppEnv } from "./env";
import { Problem } from "../lib/problem";
import { isRateLimiter } from "./rate-limit";

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

/** Every router shares the validation hook, so bad input is always the same problem+json 400. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const errors = result.error.issues.map((issue) => ({
          field: issue.path.join(".") || "(body)",
          message: issue.message,
        }));
        throw new Problem(400, errors.map((e) => `${e.field}: ${e.message}`).join("; "), { errors });
      }
    },
  });
}

/**
 * A JSON answer the store has already written as text (an answer SQLite builds whole), sent as it
 * is; typed as the route's JSON answer `T`, which the text must follow.
 */
export const jsonText = <T>(c: Context, text: string, status: 200 = 200) =>
  c.body(text, status, { "content-type": "application/json" }) as unknown as TypedResponse<T, 200, "json">;

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  content: { "application/json": { schema } },
  required: true,
});

const problem = (description: string, schema: z.ZodType = ProblemSchema) => ({
  content: { "application/problem+json": { schema } },
  description,
});

/** The 409 of a phone number another contact has: which contact. */
export const PhoneConflictSchema = ProblemSchema.extend({
  contact_id: z.string().openapi({ description: "The contact that has the number" }),
  phone_number: z.string().openapi({ description: "The number, E.164" }),
}).openapi("PhoneConflict");

const ERRORS = {
  400: problem("Invalid input: `errors` names each field and what is wrong with it"),
  401: problem("Not signed in, or the API key is not valid"),
  403: problem("Not allowed: no active organization, not an owner or admin, or an API key on a route for people"),
  404: problem("Not found, or in another organization"),
  409: problem("Conflict with the current state"),
  413: problem("The request body is too large"),
  415: problem("The request body is not application/json"),
  429: problem("Too many requests: wait as long as Retry-After says"),
  502: problem("The AI provider refused or failed"),
  503: problem("The AI provider is unavailable right now; try again"),
} as const;
type ErrorStatus = keyof typeof ERRORS;

/** How a route is reached: its guard middleware and the OpenAPI security it declares. */
export interface Access {
  middleware: readonly unknown[];
  security: Record<string, string[]>[];
}

/**
 * A route of this API (createRoute), with every error status it can answer declared from what it
 * takes: 401 (and 403 with a guard) from its access, 429 from a rate limit in its middleware, 400 for parameters, query or body, 404 for path ids, 413/415
 * for a JSON body; `errors` adds the ones its handler answers besides (404, 409, 502, 503);
 * `conflict` declares its 409 body.
 */
export function apiRoute<const R extends RouteConfig>(config: R & { operationId: string; errors?: ErrorStatus[]; conflict?: z.ZodType }): R {
  const { errors = [], conflict, ...route } = config;
  const request: NonNullable<RouteConfig["request"]> = route.request ?? {};
  // 401 from a guard or a webhook's signature; 403 where a guard may refuse a principal.
  const statuses = new Set<ErrorStatus>([401, ...errors]);
  if (route.security?.length) statuses.add(403);
  if ([route.middleware].flat().some(isRateLimiter)) statuses.add(429);
  if (request.params || request.query || request.body) statuses.add(400);
  if (request.params) statuses.add(404);
  if (request.body && "application/json" in (request.body.content ?? {})) {
    statuses.add(413);
    statuses.add(415);
  }
  const responses: Record<string, unknown> = { ...route.responses };
  for (const status of [...statuses].sort()) {
    responses[status] = status === 409 && conflict ? problem(ERRORS[409].description, conflict) : ERRORS[status];
  }
  return createRoute({ ...route, responses } as unknown as R);
}

export const noContent = { 204: { description: "Done" } };

export const IdParam = (name: string) =>
  z.string().uuid().openapi({ param: { name, in: "path" } });
