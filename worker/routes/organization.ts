import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { getRegion } from "../contacts/load";
import { isRegion } from "../contacts/phone";
import { organization, organizationSettings } from "../db/schema";
import { adminOnly, memberOnly, sessionOf } from "../lib/guard";
import { nowIso } from "../lib/ids";
import { phoneDirectory } from "../phone-directory";
import { createRouter, errorResponses, jsonBody, jsonContent } from "../lib/openapi";

const SettingsSchema = z
  .object({
    default_region: z
      .string()
      .transform((v) => v.toUpperCase())
      .refine((v): boolean => isRegion(v), "must be an ISO 3166-1 alpha-2 country code such as US or GB")
      .openapi({ example: "US", description: "Region for phone numbers written without a country code" }),
  })
  .openapi("OrganizationSettings");

const MeSchema = z
  .object({
    user: z.object({ id: z.string(), name: z.string() }),
    organization: z.object({ id: z.string(), name: z.string(), slug: z.string() }),
    member_id: z.string(),
    role: z.string(),
    settings: SettingsSchema,
  })
  .openapi("Me");

const meRoute = createRoute({
  method: "get",
  path: "/me",
  tags: ["Organization"],
  summary: "The signed-in user, their active organization and role",
  middleware: [memberOnly] as const,
  responses: { 200: jsonContent(MeSchema, "Who is signed in"), ...errorResponses },
});
const getSettingsRoute = createRoute({
  method: "get",
  path: "/settings",
  tags: ["Organization"],
  summary: "Organization settings",
  middleware: [memberOnly] as const,
  responses: { 200: jsonContent(SettingsSchema, "Settings"), ...errorResponses },
});
const putSettingsRoute = createRoute({
  method: "put",
  path: "/settings",
  tags: ["Organization"],
  summary: "Change organization settings (admin)",
  middleware: [adminOnly] as const,
  request: { body: jsonBody(SettingsSchema) },
  responses: { 200: jsonContent(SettingsSchema, "Settings"), ...errorResponses },
});

export const organizationRoutes = createRouter()
  .openapi(meRoute, async (c) => {
    const p = sessionOf(c.var.principal);
    const db = c.var.db;
    const [org] = await db
      .select({ id: organization.id, name: organization.name, slug: organization.slug })
      .from(organization)
      .where(eq(organization.id, p.organizationId));
    return c.json(
      {
        user: { id: p.userId, name: p.userName },
        organization: org ?? { id: p.organizationId, name: "", slug: "" },
        member_id: p.memberId,
        role: p.role,
        settings: { default_region: await getRegion(db, p.organizationId) },
      },
      200,
    );
  })
  .openapi(getSettingsRoute, async (c) =>
    c.json({ default_region: await getRegion(c.var.db, c.var.principal.organizationId) }, 200),
  )
  .openapi(putSettingsRoute, async (c) => {
    const { default_region } = c.req.valid("json");
    const organizationId = c.var.principal.organizationId;
    await c.var.db
      .insert(organizationSettings)
      .values({ organizationId, defaultRegion: default_region, updatedAt: nowIso() })
      .onConflictDoUpdate({
        target: organizationSettings.organizationId,
        set: { defaultRegion: default_region, updatedAt: nowIso() },
      });
    await phoneDirectory(c.env, organizationId).forgetRegion();
    return c.json({ default_region }, 200);
  });
