import { z } from "@hono/zod-openapi";
import { CONTROL } from "../lib/text";
import { type ListSelection, ListSelectionSchema } from "./contacts";

/**
 * What a view selects: the contact list's own search, tags, filters and sort (GET
 * /api/contacts/list's parameters, lists as arrays and flags as booleans), without the page.
 * Empty lists and defaults are left out, so two views that select the same contacts look the same.
 */
const withoutDefaults = Object.fromEntries(
  Object.entries(ListSelectionSchema.shape).map(([key, field]) => [key, (field instanceof z.ZodDefault ? field.unwrap() : field).optional()]),
) as unknown as { [K in keyof typeof ListSelectionSchema.shape]: z.ZodOptional<z.ZodType<z.output<(typeof ListSelectionSchema.shape)[K]>>> };

export const ViewQuery = z
  .object(withoutDefaults)
  .strict()
  .transform((q) =>
    Object.fromEntries(
      Object.entries({ ...q, search: q.search?.trim() || undefined, tag_match: q.tag_match === "all" ? "all" : undefined }).flatMap(([key, v]) => {
        if (v === undefined || (Array.isArray(v) && v.length === 0)) return [];
        return [[key, Array.isArray(v) ? [...new Set(v)] : v]];
      }),
    ) as Partial<ListSelection>,
  )
  .openapi("SavedViewQuery", { description: "The list's search, tag_ids, filters and sort, as GET /api/contacts/list takes them" });

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
