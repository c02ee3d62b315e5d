import { and, asc, eq, or, sql } from "drizzle-orm";
import { newId, nowIso } from "../lib/ids";
import { Problem, notFound } from "../lib/problem";
import type { SavedView, ViewInputT, ViewUpdateT } from "../schemas/views";
import type { StoreContext } from "./context";
import { type Actor, touchMember } from "./members";
import type { Viewer } from "./notes";
import { members, savedViews } from "./schema";

// Saved views of the contact list: private to their owner, or shared with the organization.
// The owner changes and deletes a view; an admin may also change or delete a shared one.

type Row = typeof savedViews.$inferSelect & { ownerName: string | null };

const canEdit = (v: Row, viewer: Viewer) => v.ownerUserId === viewer.userId || (v.shared && viewer.admin);

function viewJson(v: Row, viewer: Viewer): SavedView {
  return {
    id: v.id,
    name: v.name,
    query: v.query,
    shared: v.shared,
    owner: { user_id: v.ownerUserId, name: v.ownerName ?? "" },
    can_edit: canEdit(v, viewer),
    created_at: v.createdAt,
    updated_at: v.updatedAt,
  };
}

const visibleTo = (viewer: Viewer) => or(eq(savedViews.shared, true), eq(savedViews.ownerUserId, viewer.userId));

function rows(s: StoreContext, viewer: Viewer, id?: string): Row[] {
  return s.db
    .select({ view: savedViews, ownerName: members.name })
    .from(savedViews)
    .leftJoin(members, eq(members.userId, savedViews.ownerUserId))
    .where(and(visibleTo(viewer), id ? eq(savedViews.id, id) : undefined))
    .orderBy(asc(sql`lower(${savedViews.name})`), asc(savedViews.id))
    .all()
    .map((r) => ({ ...r.view, ownerName: r.ownerName }));
}

/** A view the viewer may see (another member's private view is 404, like another organization's). */
function findView(s: StoreContext, id: string, viewer: Viewer): Row {
  const [row] = rows(s, viewer, id);
  if (!row) throw notFound("View");
  return row;
}

function assertCanEdit(v: Row, viewer: Viewer) {
  if (!canEdit(v, viewer)) throw new Problem(403, "Only the view's owner, or an admin for a shared view, may change it.");
}

/** The viewer's own views and the shared ones, by name. */
export const listViews = (s: StoreContext, viewer: Viewer) => rows(s, viewer).map((v) => viewJson(v, viewer));

export function createView(s: StoreContext, body: ViewInputT, actor: Actor & Viewer): SavedView {
  touchMember(s, actor);
  const now = nowIso();
  const id = newId();
  s.db.insert(savedViews).values({ id, name: body.name, query: body.query, shared: body.shared, ownerUserId: actor.userId, createdAt: now, updatedAt: now }).run();
  return viewJson(findView(s, id, actor), actor);
}

export function updateView(s: StoreContext, id: string, body: ViewUpdateT, viewer: Viewer): SavedView {
  assertCanEdit(findView(s, id, viewer), viewer);
  s.db
    .update(savedViews)
    .set({
      ...(body.name !== undefined && { name: body.name }),
      ...(body.query !== undefined && { query: body.query }),
      ...(body.shared !== undefined && { shared: body.shared }),
      updatedAt: nowIso(),
    })
    .where(eq(savedViews.id, id))
    .run();
  return viewJson(findView(s, id, viewer), viewer);
}

export function deleteView(s: StoreContext, id: string, viewer: Viewer) {
  assertCanEdit(findView(s, id, viewer), viewer);
  s.db.delete(savedViews).where(eq(savedViews.id, id)).run();
}
