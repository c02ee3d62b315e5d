import { z } from "@hono/zod-openapi";
import { adminAccess, memberAccess, sessionOf } from "../auth/guard";
import { isRegion } from "../lib/phone";
import { isZone } from "../lib/timezone";
import { apiRoute, createRouter, jsonBody, jsonContent } from "../http/openapi";

const region = z
  .string()
  .transform((v) => v.toUpperCase())
  .refine((v): boolean => isRegion(v), "must be an ISO 3166-1 alpha-2 country code such as US or GB")
  .openapi({ example: "US", description: "Region for phone numbers written without a country code" });
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time of day as HH:MM (24 h)");
const QuietHours = z
  .object({ start: hhmm, end: hhmm })
  .openapi({ description: "Texts and calls go out only from start to end, local time of the contact (default 08:00–21:00)", example: { start: "08:00", end: "21:00" } });
const timezone = z
  .string()
  .refine((v) => isZone(v), "must be an IANA time zone such as America/Chicago")
  .nullable()
  .openapi({ example: "America/New_York", description: "The organization's time zone: quiet hours use it for contacts with no time zone of their own or of their number" });

const SettingsSchema = z.object({ default_region: region, timezone: z.string().nullable(), quiet_hours: QuietHours }).openapi("OrganizationSettings");
const SettingsUpdate = z
  .object({ default_region: region.optional(), timezone: timezone.optional(), quiet_hours: QuietHours.optional() })
  .refine((v) => Object.keys(v).length > 0, "nothing to change")
  .openapi("OrganizationSettingsUpdate");

const MeSchema = z
  .object({
    user: z.object({ id: z.string(), name: z.string() }),
    organization: z.object({ id: z.string(), name: z.string(), slug: z.string() }),
    member_id: z.string(),
    role: z.string(),
    settings: SettingsSchema,
  })
  .openapi("Me");

const meRoute = apiRoute({
  operationId: "getMe",
  method: "get",
  path: "/me",
  tags: ["Organization"],
  summary: "The signed-in user, their active organization and role",
  ...memberAccess,
  responses: { 200: jsonContent(MeSchema, "Who is signed in") },
});
const getSettingsRoute = apiRoute({
  operationId: "getSettings",
  method: "get",
  path: "/settings",
  tags: ["Organization"],
  summary: "Organization settings",
  ...memberAccess,
  responses: { 200: jsonContent(SettingsSchema, "Settings") },
});
const putSettingsRoute = apiRoute({
  operationId: "updateSettings",
  method: "put",
  path: "/settings",
  tags: ["Organization"],
  summary: "Change organization settings (admin)",
  ...adminAccess,
  request: { body: jsonBody(SettingsUpdate) },
  responses: { 200: jsonContent(SettingsSchema, "Settings") },
});

export const organizationRoutes = createRouter()
  .openapi(meRoute, async (c) => {
    const p = sessionOf(c.var.principal);
    return c.json(
      {
        user: { id: p.userId, name: p.userName },
        organization: { id: p.organizationId, name: p.organizationName, slug: p.organizationSlug },
        member_id: p.memberId,
        role: p.role,
        settings: await c.var.store.settings(),
      },
      200,
    );
  })
  .openapi(getSettingsRoute, async (c) => c.json(await c.var.store.settings(), 200))
  .openapi(putSettingsRoute, async (c) => c.json(await c.var.store.updateSettings(c.req.valid("json")), 200));
