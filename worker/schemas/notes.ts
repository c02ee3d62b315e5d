import { z } from "@hono/zod-openapi";
import { CONTROL_EXCEPT_LINE_BREAKS, oneLine } from "../lib/text";

export const NOTE_AREAS = ["manual", "call", "sms", "ai", "alert"] as const;
export const MAX_NOTE_CHARS = 10_000;

export const NoteSchema = z
  .object({
    id: z.string(),
    contact_id: z.string(),
    area: z.enum(NOTE_AREAS),
    body: z.string(),
    call_id: z.string().nullable(),
    author: z.object({ user_id: z.string(), name: z.string() }).nullable(),
    can_edit: z.boolean().openapi({ description: "Whether the signed-in user may edit or delete it (author or admin)" }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Note");

export const noteText = z
  .string()
  .trim()
  .min(1, "is required")
  .max(MAX_NOTE_CHARS)
  .refine((v) => !CONTROL_EXCEPT_LINE_BREAKS.test(v), "must not contain control characters");

export const NotesQuery = z.object({
  search: oneLine().max(100).optional(),
  area: z.enum(["all", ...NOTE_AREAS]).default("all"),
  sort: z.enum(["newest", "oldest", "recently_edited"]).default("newest"),
  page: z.coerce.number().int().min(0).max(10_000).default(0),
  page_size: z.coerce.number().int().min(1).default(25).transform((n) => Math.min(n, 100)),
});

export const NoteCreate = z.object({ body: noteText, area: z.enum(["manual", "call", "sms", "alert"]).default("manual") });

export type Note = z.infer<typeof NoteSchema>;
export type NotesQueryT = z.output<typeof NotesQuery>;
export type NoteCreateT = z.output<typeof NoteCreate>;
