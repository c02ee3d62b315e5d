export interface Notice {
  id: number;
  message: string;
  tone: "info" | "success" | "error";
  /** An optional link shown after the message ("Open"). */
  link?: { href: string; label: string };
  /** An optional button ("Undo"): pressing it dismisses the notice and runs `run`. */
  action?: { label: string; run: () => unknown };
}

const LIFETIME_MS = { info: 8_000, success: 6_000, error: 12_000 };
/** A notice that offers to undo stays longer: time to read it and reach the button. */
const ACTION_LIFETIME_MS = 15_000;

/** Short messages about something that happened out of view: a redirect, a failed background save. */
class Notices {
  items = $state<Notice[]>([]);
  #next = 1;
  #timers = new Map<number, ReturnType<typeof setTimeout>>();

  show(message: string, tone: Notice["tone"] = "info", link?: Notice["link"], action?: Notice["action"]) {
    const id = this.#next++;
    const kept = this.items.filter((n) => n.message !== message);
    this.items = [...kept, { id, message, tone, link, action }].slice(-3);
    for (const gone of this.#timers.keys()) if (!this.items.some((n) => n.id === gone)) this.#stop(gone);
    this.release(id);
  }

  dismiss(id: number) {
    this.#stop(id);
    this.items = this.items.filter((n) => n.id !== id);
  }

  /** Keeps a notice while the pointer or keyboard focus is on it (WCAG 2.2.1: time to act). */
  hold(id: number) {
    this.#stop(id);
  }

  /** Lets a held notice go after its full lifetime again. */
  release(id: number) {
    const notice = this.items.find((n) => n.id === id);
    if (!notice) return;
    this.#stop(id);
    this.#timers.set(id, setTimeout(() => this.dismiss(id), notice.action ? ACTION_LIFETIME_MS : LIFETIME_MS[notice.tone]));
  }

  #stop(id: number) {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
  }
}

export const notices = new Notices();
