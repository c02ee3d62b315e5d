import { dismissDuplicate, listDuplicates, type DuplicatePair } from "../../lib/api";
import { CursorList } from "../../lib/cursor-list.svelte";

/** Duplicate suggestions, strongest first, a page at a time. */
export class DuplicatesState extends CursorList<DuplicatePair> {
  /** The pair being dismissed ("a|b"). */
  dismissing = $state<string | null>(null);

  constructor() {
    super((cursor) => listDuplicates(cursor), (pair) => key(pair));
  }

  /** "Not the same person": the pair goes and is never suggested again. */
  async dismiss(pair: DuplicatePair) {
    const [a, b] = pair.contacts;
    if (!a || !b) return;
    this.dismissing = key(pair);
    try {
      await dismissDuplicate(a.id, b.id);
      this.drop((p) => key(p) === key(pair));
    } finally {
      this.dismissing = null;
    }
  }
}

export const key = (pair: DuplicatePair) => pair.contacts.map((c) => c.id).join("|");
