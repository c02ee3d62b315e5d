import { z } from "@hono/zod-openapi";
import { CONTROL, oneLine } from "../lib/text";
import { SORTS } from "./contacts";

/**
 * What a view selects: the contact list's own query parameters (GET /api/contacts/list), without
 * the page. Empty values are left out, so two views that select the same contacts look the same.
 */
export const ViewQuery = z
  .object({
    search: oneLine().trim().max(100).optional(),
    tag_ids: z.array(z.string().uuid("must be tag ids")).max(50).optional(),
    sort: z.enum(SORTS).optional(),
  })
  .strict()
  .transform((q) => ({
    ...(q.search ? { search: q.search } : {}),
    ...(q.tag_ids?.length ? { tag_ids: [...new Set(q.tag_ids)] } : {}),
    ...(q.sort ? { sort: q.sort } : {}),
  }))
  .openapi("SavedViewQuery", { description: "The list's search, tag_ids (any of) and sort, as GET /api/contacts/list takes them" });

const name = z
  .string()
  .trim()
  .min(1, "is required")
  .max(60, "at most 60 characters")
  .refine((v) => !CONTROL.test(v), "must not contain control characters");

export const ViewInput = z.object({ name, query: ViewQuery, shared: z.boolean().default(false) }).openapi("SavedViewData");
export const ViewUpdate = z.object({ name, query: ViewQuery, shared: z.boolean() }).partial().openapi("SavedViewUpdate");

export const SavedViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    query: z.record(z.string(), z.unknown()),
    shared: z.boolean().openapi({ description: "Seen by every member (else only by its owner)" }),
    owner: z.object({ user_id: z.string(), name: z.string() }),
    can_edit: z.boolean().openapi({ description: "The viewer may change or delete it: its owner, or an admin for a shared view" }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("SavedView");

export type SavedView = z.infer<typeof SavedViewSchema>;
export type ViewInputT = z.output<typeof ViewInput>;
export type ViewUpdateT = z.output<typeof ViewUpdate>;
