import { listTrash, restoreContact, type Restored, type TrashItem } from "../../lib/api";
import { CursorList } from "../../lib/cursor-list.svelte";

/** A restore that left numbers with the contacts that hold them now: shown until dismissed. */
export interface TakenNumbers {
  restored: Restored["contact"];
  numbers: { phone_number: string; contact_id: string; name: string | null }[];
}

/** The trash, newest first, a page at a time; restoring takes a contact out of it. */
export class TrashState extends CursorList<TrashItem> {
  /** The contact being restored (its button shows a spinner). */
  restoring = $state<string | null>(null);
  taken = $state<TakenNumbers | null>(null);

  constructor() {
    super((cursor) => listTrash(cursor), (item) => item.contact_id);
  }

  /** Restores one contact; throws the server's refusal in words. */
  async restore(item: TrashItem): Promise<Restored> {
    this.restoring = item.contact_id;
    try {
      const restored = await restoreContact(item.contact_id);
      this.drop((i) => i.contact_id === item.contact_id);
      const holders = new Map(item.phones.map((p) => [p.phone_number, p.now_held_by?.name ?? null]));
      this.taken = restored.phones_taken.length
        ? { restored: restored.contact, numbers: restored.phones_taken.map((p) => ({ ...p, name: holders.get(p.phone_number) ?? null })) }
        : null;
      return restored;
    } finally {
      this.restoring = null;
    }
  }
}
