import { z } from "@hono/zod-openapi";
import { and, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client";
import { messages, user } from "../db/schema";

export const MessageSchema = z
  .object({
    id: z.string(),
    contact_id: z.string().nullable(),
    direction: z.enum(["inbound", "outbound"]),
    from_phone: z.string(),
    to_phone: z.string(),
    body: z.string(),
    media_urls: z.array(z.string()),
    status: z.string().openapi({ description: "received | queued | sending | sent | not_sent | failed" }),
    status_detail: z.string().nullable(),
    provider: z.string().nullable(),
    provider_message_id: z.string().nullable(),
    sent_by: z.object({ user_id: z.string(), name: z.string() }).nullable(),
    created_at: z.string(),
    sent_at: z.string().nullable(),
  })
  .openapi("Message");
export type Message = z.infer<typeof MessageSchema>;

/** Messages newest first, for one contact (page of `limit`) or for the given ids. */
export async function loadMessages(
  db: Db,
  organizationId: string,
  filter: { ids: string[] } | { contactId: string; limit: number },
): Promise<Message[]> {
  if ("ids" in filter && filter.ids.length === 0) return [];
  const rows = await db
    .select({ m: messages, senderName: user.name })
    .from(messages)
    .leftJoin(user, eq(user.id, messages.sentByUserId))
    .where(
      and(
        eq(messages.organizationId, organizationId),
        "ids" in filter ? inArray(messages.id, filter.ids) : eq(messages.contactId, filter.contactId),
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit("ids" in filter ? filter.ids.length : filter.limit);
  return rows.map(({ m, senderName }) => ({
    id: m.id,
    contact_id: m.contactId,
    direction: m.direction,
    from_phone: m.fromPhone,
    to_phone: m.toPhone,
    body: m.body,
    media_urls: m.mediaUrls,
    status: m.status,
    status_detail: m.statusDetail,
    provider: m.provider,
    provider_message_id: m.providerMessageId,
    sent_by: m.sentByUserId && senderName ? { user_id: m.sentByUserId, name: senderName } : null,
    created_at: m.createdAt,
    sent_at: m.sentAt,
  }));
}
