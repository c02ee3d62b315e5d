import { z } from "@hono/zod-openapi";
import { CONTACT_STATUSES, ListSelectionSchema } from "./contacts";

const uuid = (what: string) => z.string().uuid(`must be a ${what} id`);

export const BulkActionSchema = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("add_tag"), tag_id: uuid("tag") }),
    z.object({ type: z.literal("remove_tag"), tag_id: uuid("tag") }),
    z.object({ type: z.literal("assign"), member_id: z.string().min(1) }),
    z.object({ type: z.literal("unassign"), member_id: z.string().min(1) }),
    z.object({ type: z.literal("set_status"), status: z.enum(CONTACT_STATUSES) }),
    z.object({ type: z.literal("delete") }),
  ])
  .openapi("BulkAction");
export type BulkAction = z.infer<typeof BulkActionSchema>;

/** Most contacts a selection may list (a page of the list is 50 at most). */
export const MAX_SELECTED = 1000;

export const BulkInput = z
  .object({
    action: BulkActionSchema,
    contact_ids: z.array(uuid("contact")).min(1).max(MAX_SELECTED).optional().openapi({ description: "The selected contacts" }),
    matching: ListSelectionSchema.optional().openapi({
      description: "Instead of contact_ids: every contact the list's search, tags and filters match now, as GET /api/contacts/list takes them (admin)",
    }),
  })
  .refine((b) => (b.contact_ids === undefined) !== (b.matching === undefined), { message: "give either contact_ids or matching", path: ["contact_ids"] })
  .openapi("BulkChange");

export const BulkJobSchema = z
  .object({
    id: z.string(),
    action: BulkActionSchema,
    status: z.enum(["running", "done", "failed"]),
    total: z.number().int().openapi({ description: "Contacts selected" }),
    done: z.number().int().openapi({ description: "Contacts gone through so far" }),
    affected: z.number().int().openapi({ description: "Contacts the action changed (a tag already there is not counted)" }),
    percent: z.number().int(),
    detail: z.string().nullable(),
    created_by: z.object({ user_id: z.string(), name: z.string() }).nullable(),
    created_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .openapi("BulkJob");
