import { beforeAll, describe, expect, it } from "vitest";
import { type Org, addMember, call, createApiKey, createContact, createOrg, expectProblem, storeRows, storeExec } from "./helpers";

describe("notes, todos and activity", () => {
  let org: Org;
  let member: Awaited<ReturnType<typeof addMember>>;
  let contactId: string;
  beforeAll(async () => {
    org = await createOrg();
    member = await addMember(org, "member", "Maria Member");
    contactId = (await createContact(org, { first_name: "Panel", phones: [{ phone_number: "+12025550100" }] })).id;
  });

  it("creates, searches, filters, sorts and paginates notes", async () => {
    const add = (body: string, area = "manual", cookie = org.owner.cookie) =>
      call("POST", `/api/contacts/${contactId}/notes`, { cookie, body: { body, area } });
    const first = await add("Prefers afternoon appointments");
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ area: "manual", can_edit: true, author: { name: "Olivia Owner" } });
    await add("Called about billing", "call");
    await add("Alert: 50% off promo mentioned", "alert", member.cookie);

    const list = (q: string) => call("GET", `/api/contacts/${contactId}/notes${q}`, { cookie: org.owner.cookie });
    expect((await list("")).body.notes.map((n: { body: string }) => n.body)).toEqual([
      "Alert: 50% off promo mentioned", "Called about billing", "Prefers afternoon appointments",
    ]);
    expect((await list("?sort=oldest")).body.notes[0].body).toBe("Prefers afternoon appointments");
    expect((await list("?area=call")).body).toMatchObject({ total_count: 1, notes: [{ body: "Called about billing" }] });
    expect((await list("?search=afternoon")).body.total_count).toBe(1);
    expect((await list("?search=50%25")).body.total_count).toBe(1); // % is literal, not a wildcard
    expect((await list("?page_size=2&page=1")).body.notes).toHaveLength(1);

    await call("PUT", `/api/notes/${first.body.id}`, { cookie: org.owner.cookie, body: { body: "Prefers afternoons (edited)" } });
    expect((await list("?sort=recently_edited")).body.notes[0].body).toBe("Prefers afternoons (edited)");
  });

  it("lets only the author or an admin edit or delete a note", async () => {
    const byOwner = await call("POST", `/api/contacts/${contactId}/notes`, { cookie: org.owner.cookie, body: { body: "Admin's note" } });
    const byMember = await call("POST", `/api/contacts/${contactId}/notes`, { cookie: member.cookie, body: { body: "Member's note" } });
    const seenByMember = await call("GET", `/api/contacts/${contactId}/notes?search=Admin`, { cookie: member.cookie });
    expect(seenByMember.body.notes[0]).toMatchObject({ body: "Admin's note", can_edit: false });

    expectProblem(await call("PUT", `/api/notes/${byOwner.body.id}`, { cookie: member.cookie, body: { body: "hijack" } }), 403);
    expectProblem(await call("DELETE", `/api/notes/${byOwner.body.id}`, { cookie: member.cookie }), 403);
    const [stored] = await storeRows<{ body: string }>(org.id, "SELECT body FROM notes WHERE id = ?", byOwner.body.id);
    expect(stored?.body).toBe("Admin's note");

    expect((await call("PUT", `/api/notes/${byMember.body.id}`, { cookie: member.cookie, body: { body: "Member's note, edited" } })).status).toBe(200);
    expect((await call("DELETE", `/api/notes/${byMember.body.id}`, { cookie: org.owner.cookie })).status).toBe(204);
    expectProblem(await call("PUT", `/api/notes/${byOwner.body.id}`, { cookie: org.owner.cookie, body: { body: "" } }), 400);
  });

  it("lists todos of the contact's calls and marks them done or open", async () => {
    const key = await createApiKey(org);
    const created = await call("POST", "/api/calls", { bearer: key, body: { caller_phone: "+12025550100", started_at: "2026-11-01T10:00:00Z" } });
    const todoId = crypto.randomUUID();
    await storeExec(org.id, [
      [
        "INSERT INTO todos (id, contact_id, call_id, title, status, assignee_member_id, created_at, updated_at) VALUES (?, ?, ?, 'Send the quote', 'open', ?, '2026-11-01T10:05:00.000Z', '2026-11-01T10:05:00.000Z')",
        todoId,
        contactId,
        created.body.call_id,
        member.memberId,
      ],
    ]);
    const todos = await call("GET", `/api/contacts/${contactId}/todos`, { cookie: member.cookie });
    expect(todos.body).toMatchObject([{ id: todoId, title: "Send the quote", status: "open", call_id: created.body.call_id, assignee: { name: "Maria Member" } }]);

    const done = await call("PUT", `/api/todos/${todoId}`, { cookie: member.cookie, body: { status: "done" } });
    expect(done.body).toMatchObject({ status: "done", completed_at: expect.any(String) });
    const reopened = await call("PUT", `/api/todos/${todoId}`, { cookie: member.cookie, body: { status: "open" } });
    expect(reopened.body).toMatchObject({ status: "open", completed_at: null });
    expectProblem(await call("PUT", `/api/todos/${todoId}`, { cookie: member.cookie, body: { status: "maybe" } }), 400);

    const added = await call("POST", `/api/contacts/${contactId}/todos`, {
      cookie: member.cookie,
      body: { title: "Call back Friday", due_at: "2026-11-27T15:00:00Z", assignee_member_id: member.memberId, call_id: created.body.call_id },
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ title: "Call back Friday", status: "open", due_at: "2026-11-27T15:00:00.000Z", assignee: { name: "Maria Member" } });
    const other = await createOrg();
    const foreignMember = await addMember(other, "member");
    expectProblem(await call("POST", `/api/contacts/${contactId}/todos`, { cookie: member.cookie, body: { title: "x", assignee_member_id: foreignMember.memberId } }), 404);
    expectProblem(await call("POST", `/api/contacts/${contactId}/todos`, { cookie: member.cookie, body: { title: "" } }), 400);
  });

  it("merges calls, notes and todos in one timeline with a stable cursor", async () => {
    const items = async (q: string) => (await call("GET", `/api/contacts/${contactId}/activity${q}`, { cookie: org.owner.cookie })).body;
    const all = await items("?limit=100");
    const kinds = new Set(all.items.map((i: { kind: string }) => i.kind));
    expect(kinds).toEqual(new Set(["call", "note", "todo"]));
    const times = all.items.map((i: { at: string }) => i.at);
    expect(times).toEqual([...times].sort().reverse());

    const page1 = await items("?limit=2");
    expect(page1.items).toHaveLength(2);
    // A new event arrives: the next page still continues where the first one ended.
    await call("POST", `/api/contacts/${contactId}/notes`, { cookie: org.owner.cookie, body: { body: "Brand new" } });
    const page2 = await items(`?limit=2&cursor=${encodeURIComponent(page1.next_cursor)}`);
    expect(page2.items[0].id).toBe(all.items[2].id);

    expect((await items("?kind=calls")).items.every((i: { kind: string }) => i.kind === "call")).toBe(true);
    expect((await items("?kind=todos")).items).toHaveLength(2);
    expectProblem(await call("GET", `/api/contacts/${contactId}/activity?cursor=garbage`, { cookie: org.owner.cookie }), 400);
  });

  it("hides other organizations' contacts, notes and todos", async () => {
    const other = await createOrg();
    const note = await call("POST", `/api/contacts/${contactId}/notes`, { cookie: org.owner.cookie, body: { body: "Private" } });
    const [todo] = await storeRows<{ id: string }>(org.id, "SELECT id FROM todos WHERE contact_id = ?", contactId);
    for (const [method, path, body] of [
      ["GET", `/api/contacts/${contactId}/notes`],
      ["POST", `/api/contacts/${contactId}/notes`, { body: "x" }],
      ["PUT", `/api/notes/${note.body.id}`, { body: "x" }],
      ["DELETE", `/api/notes/${note.body.id}`],
      ["GET", `/api/contacts/${contactId}/todos`],
      ["PUT", `/api/todos/${todo?.id}`, { status: "done" }],
      ["GET", `/api/contacts/${contactId}/activity`],
    ] as const) {
      expectProblem(await call(method, path, { cookie: other.owner.cookie, body }), 404);
    }
    expectProblem(await call("GET", `/api/contacts/${contactId}/notes`), 401);
  });
});
