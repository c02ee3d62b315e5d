import { z } from "@hono/zod-openapi";
import { AssignedUserSchema, SORTS, TagSchema, listQueryFields } from "./contacts";


export const ContactAssignment = z
  .object({
    id: z.string(),
    first_name: z.string(),
    last_name: z.string(),
    primary_phone: z.string().nullable().openapi({ description: "The preferred phone, formatted" }),
    assigned_users: z.array(AssignedUserSchema),
    tags: z.array(TagSchema),
    created_at: z.string(),
    last_contacted_at: z.string().nullable(),
  })
  .openapi("ContactAssignment");

export const AssignmentPage = z
  .object({
    contacts: z.array(ContactAssignment),
    total_count: z.number().int(),
    assigned_count: z.number().int().openapi({ description: "Contacts with at least one assignee, organization-wide" }),
    organization_total_count: z.number().int().openapi({ description: "All contacts of the organization, whatever the filters" }),
    page: z.number().int(),
    page_size: z.number().int(),
    total_pages: z.number().int(),
  })
  .openapi("AssignmentPage");

export const AssignmentQuery = z.object({
  ...listQueryFields,
  sort: z.enum(SORTS).default("name_asc"),
  member_filter: z
    .union([z.enum(["all", "unassigned"]), z.string().uuid("must be all, unassigned or a member id")])
    .default("all"),
});


export type AssignmentQueryT = z.output<typeof AssignmentQuery>;
export type AssignmentPageT = z.infer<typeof AssignmentPage>;
