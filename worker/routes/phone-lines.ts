import { z } from "@hono/zod-openapi";
import { adminAccess, memberAccess } from "../auth/guard";
import { oneLine } from "../lib/text";
import { IdParam, apiRoute, createRouter, jsonBody, jsonContent, noContent } from "../http/openapi";

const PhoneLineSchema = z
  .object({ id: z.string(), name: z.string(), phone_number: z.string(), formatted: z.string() })
  .openapi("PhoneLine");

const listRoute = apiRoute({
  operationId: "listPhoneLines",
  method: "get",
  path: "/phone-lines",
  tags: ["Organization"],
  summary: "The organization's own phone lines (which take calls and send messages)",
  ...memberAccess,
  responses: { 200: jsonContent(z.array(PhoneLineSchema), "Lines") },
});
const createLineRoute = apiRoute({
  operationId: "addPhoneLine",
  errors: [409],
  method: "post",
  path: "/phone-lines",
  tags: ["Organization"],
  summary: "Add a phone line (admin)",
  ...adminAccess,
  request: { body: jsonBody(z.object({ name: oneLine().trim().min(1).max(100), phone_number: oneLine().max(40) })) },
  responses: { 201: jsonContent(PhoneLineSchema, "The line") },
});
const deleteRoute = apiRoute({
  operationId: "deletePhoneLine",
  method: "delete",
  path: "/phone-lines/{id}",
  tags: ["Organization"],
  summary: "Remove a phone line (admin)",
  ...adminAccess,
  request: { params: z.object({ id: IdParam("id") }) },
  responses: { ...noContent },
});

export const phoneLinesRoutes = createRouter()
  .openapi(listRoute, async (c) => c.json(await c.var.store.listLines(), 200))
  .openapi(createLineRoute, async (c) => c.json(await c.var.store.addLine(c.req.valid("json")), 201))
  .openapi(deleteRoute, async (c) => {
    await c.var.store.deleteLine(c.req.valid("param").id);
    return c.body(null, 204);
  });
