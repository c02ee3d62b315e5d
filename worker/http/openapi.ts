import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "./env";
import { Problem } from "../lib/problem";

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

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  content: { "application/json": { schema } },
  required: true,
});

const problem = (description: string) => ({
  content: { "application/problem+json": { schema: ProblemSchema } },
  description,
});

/** The error answers every authenticated route may give. */
export const errorResponses = {
  400: problem("Invalid input"),
  401: problem("Not signed in"),
  403: problem("Not allowed"),
  404: problem("Not found, or in another organization"),
  409: problem("Conflict"),
} as const;

export const noContent = { 204: { description: "Done" } };

export const IdParam = (name: string) =>
  z.string().uuid().openapi({ param: { name, in: "path" } });
