import { type SQL, eq, sql } from "drizzle-orm";
import { newId, nowIso } from "../lib/ids";
import { Problem, notFound } from "../lib/problem";
import type { BulkAction } from "../schemas/bulk";
import type { ListSelection } from "../schemas/contacts";
import { matchingIds } from "./contacts";
import { type StoreContext, idsIn } from "./context";
import { trackContacts } from "./events";
import { trashContact } from "./trash";
import { type Actor, type MemberRecord, touchMember, upsertMember } from "./members";
import { bulkJobs } from "./schema";

// Changing many contacts at once: add or remove a tag, assign or unassign a member, set the
// status, delete. Up to SYNC_LIMIT contacts are changed in the request's transaction; more are
// kept as a snapshot (bulk_job_items, in the list's order) and changed BULK_CHUNK at a time by
// the store's alarm, each chunk one transaction, with progress in bulk_jobs.

export const SYNC_LIMIT = 200;
export const BULK_CHUNK = 500;

type JobRow = typeof bulkJobs.$inferSelect;

export function bulkJson(r: JobRow) {
  return {
    id: r.id,
    action: r.action as BulkAction,
    status: r.status,
    total: r.total,
    done: r.doneCount,
    affected: r.affected,
    percent: r.total ? Math.floor((r.doneCount / r.total) * 100) : 100,
    detail: r.detail,
    created_by: r.createdByUserId ? { user_id: r.createdByUserId, name: r.createdByName ?? "" } : null,
    created_at: r.createdAt,
    finished_at: r.finishedAt,
  };
}
export type BulkJob = ReturnType<typeof bulkJson>;

function findJob(s: StoreContext, id: string): JobRow {
  const row = s.db.select().from(bulkJobs).where(eq(bulkJobs.id, id)).get();
  if (!row) throw notFound("Bulk change");
  return row;
}

export const getBulkJob = (s: StoreContext, id: string) => bulkJson(findJob(s, id));

const ITEM_SLICE = 20_000;

export type BulkTarget = { contact_ids: string[] } | { matching: ListSelection; memberId: string | null };

/** 404 unless the action's tag exists (a member is checked in D1 by the Worker and passed in). */
function checkAction(s: StoreContext, action: BulkAction) {
  if ((action.type === "add_tag" || action.type === "remove_tag") && !s.get(sql`SELECT 1 AS x FROM tags WHERE id = ${action.tag_id}`)) throw notFound("Tag");
}

/**
 * Starts a bulk change: the selection's contacts (each must exist: otherwise 404 and nothing
 * changes) or every contact the list's query matches now. Small ones finish here.
 */
export function startBulk(s: StoreContext, action: BulkAction, target: BulkTarget, actor: Actor, member: MemberRecord | null): BulkJob {
  checkAction(s, action);
  touchMember(s, actor);
  if (member) upsertMember(s, member);
  const id = newId();
  const now = nowIso();
  let total: number;
  if ("contact_ids" in target) {
    const ids = [...new Set(target.contact_ids)];
    const found = Number(s.get<{ n: number }>(sql`SELECT count(*) AS n FROM contacts WHERE id IN ${idsIn(ids)}`)?.n);
    if (found !== ids.length) throw new Problem(404, "Some of the selected contacts do not exist in this organization (deleted meanwhile?); nothing was changed.");
    total = ids.length;
    s.db.insert(bulkJobs).values({ id, action, status: "running", total, createdByUserId: actor.userId, createdByName: actor.name, createdAt: now, updatedAt: now }).run();
    s.run(sql`INSERT INTO bulk_job_items (job_id, position, contact_id) SELECT ${id}, key + 1, value FROM json_each(${JSON.stringify(ids)})`);
  } else {
    // The list's own selection, every page of it, as one snapshot.
    const ids = matchingIds(s, target.matching, target.memberId);
    total = ids.length;
    s.db.insert(bulkJobs).values({ id, action, status: "running", total, createdByUserId: actor.userId, createdByName: actor.name, createdAt: now, updatedAt: now }).run();
    // In slices: a bound parameter holds at most 2 MB.
    for (let i = 0; i < ids.length; i += ITEM_SLICE) {
      s.run(sql`INSERT INTO bulk_job_items (job_id, position, contact_id) SELECT ${id}, ${i} + key + 1, value FROM json_each(${JSON.stringify(ids.slice(i, i + ITEM_SLICE))})`);
    }
  }
  if (total <= SYNC_LIMIT) {
    while (bulkStep(s, id)) {
      // Small: every chunk now, in this transaction.
    }
  } else {
    progressEvent(s, id);
    s.scheduleNow();
  }
  return getBulkJob(s, id);
}

/** The running bulk change the alarm should work on next, if any. */
export function runningBulkJob(s: StoreContext): string | null {
  return s.get<{ id: string }>(sql`SELECT id FROM bulk_jobs WHERE status = 'running' ORDER BY created_at, id LIMIT 1`)?.id ?? null;
}

/** Applies the next chunk of job `id`; true while contacts remain. */
export function bulkStep(s: StoreContext, id: string): boolean {
  const job = findJob(s, id);
  if (job.status !== "running") return false;
  const ids = s
    .all<{ contact_id: string }>(sql`SELECT contact_id FROM bulk_job_items WHERE job_id = ${id} AND position > ${job.doneCount} ORDER BY position LIMIT ${BULK_CHUNK}`)
    .map((r) => r.contact_id);
  const affected = ids.length ? apply(s, job, ids) : 0;
  const done = job.doneCount + ids.length;
  const finished = ids.length < BULK_CHUNK || done >= job.total;
  const now = nowIso();
  s.db
    .update(bulkJobs)
    .set({ doneCount: done, affected: job.affected + affected, updatedAt: now, ...(finished && { status: "done" as const, finishedAt: now }) })
    .where(eq(bulkJobs.id, id))
    .run();
  if (finished) s.run(sql`DELETE FROM bulk_job_items WHERE job_id = ${id}`);
  progressEvent(s, id);
  return !finished;
}

/** The alarm could not apply a chunk: the change stops there, saying why. */
export function failBulk(s: StoreContext, id: string, detail: string) {
  const now = nowIso();
  s.db.update(bulkJobs).set({ status: "failed", detail: `Stopped: ${detail}`, finishedAt: now, updatedAt: now }).where(eq(bulkJobs.id, id)).run();
  s.run(sql`DELETE FROM bulk_job_items WHERE job_id = ${id}`);
  progressEvent(s, id);
}

/** Open tabs learn of a bulk change's progress (one live event a chunk). */
function progressEvent(s: StoreContext, id: string) {
  if (s.live) s.emit("bulk.progress", () => ({ job_id: id, ...bulkJson(findJob(s, id)) }));
}

/** The action on these contacts (those deleted meanwhile are skipped); how many it changed. */
function apply(s: StoreContext, job: JobRow, ids: string[]): number {
  const action = job.action as BulkAction;
  const list = JSON.stringify(ids);
  const now = nowIso();
  const live = sql`(SELECT c.id FROM json_each(${list}) j JOIN contacts c ON c.id = j.value)`;
  const by = { bulk_job_id: job.id };
  /** Rows a write returned: the contacts it changed (s.run would count the triggers' writes too). */
  const count = (write: SQL) => s.all(write).length;
  // One live event for the chunk (progressEvent), not one a contact.
  return s.quietly(() => {
    switch (action.type) {
      case "add_tag":
        return trackContacts(s, ids, () => count(sql`INSERT INTO contact_tags (contact_id, tag_id, created_at) SELECT id, ${action.tag_id}, ${now} FROM ${live} WHERE true ON CONFLICT DO NOTHING RETURNING contact_id`), by);
      case "remove_tag":
        return trackContacts(s, ids, () => count(sql`DELETE FROM contact_tags WHERE tag_id = ${action.tag_id} AND contact_id IN (SELECT value FROM json_each(${list})) RETURNING contact_id`), by);
      case "assign":
        return trackContacts(s, ids, () => count(sql`INSERT INTO contact_user (contact_id, member_id, created_at) SELECT id, ${action.member_id}, ${now} FROM ${live} WHERE true ON CONFLICT DO NOTHING RETURNING contact_id`), by);
      case "unassign":
        return trackContacts(s, ids, () => count(sql`DELETE FROM contact_user WHERE member_id = ${action.member_id} AND contact_id IN (SELECT value FROM json_each(${list})) RETURNING contact_id`), by);
      case "set_status":
        return trackContacts(
          s,
          ids,
          () => count(sql`UPDATE contacts SET status = ${action.status}, updated_at = ${now} WHERE id IN (SELECT value FROM json_each(${list})) AND status != ${action.status} RETURNING id`),
          by,
        );
      case "delete": {
        let n = 0;
        const deleter = s.get<{ name: string | null }>(sql`SELECT created_by_name AS name FROM bulk_jobs WHERE id = ${job.id}`);
        for (const { id } of s.all<{ id: string }>(sql`SELECT id FROM ${live}`)) {
          trashContact(s, id, { kind: "bulk", name: deleter?.name ?? null });
          n++;
        }
        return n;
      }
    }
  });
}
