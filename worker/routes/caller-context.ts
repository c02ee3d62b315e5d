import { pipelineAccess } from "../auth/guard";
import { withVariables } from "../integrations/caller-variables";
import { apiRoute, createRouter, jsonBody, jsonContent } from "../http/openapi";
import { CallerContext, CallerContextInput } from "../schemas/caller-context";

const contextRoute = apiRoute({
  operationId: "getCallerContext",
  method: "post",
  path: "/caller-context",
  tags: ["Pipeline"],
  summary: "Who is calling (or being called), before the agent speaks: the contact resolved like a recorded call, with everything known about them",
  ...pipelineAccess,
  request: { body: jsonBody(CallerContextInput) },
  responses: { 200: jsonContent(CallerContext, "The caller's context, with dynamic_variables for prompt templates") },
});

export const callerContextRoutes = createRouter().openapi(contextRoute, async (c) => c.json(withVariables(await c.var.store.callerContext(c.req.valid("json"))), 200));
