export interface Notice {
  id: number;
  message: string;
  tone: "info" | "success" | "error";
  /** An optional link shown after the message ("Open"). */
  link?: { href: string; label: string };
}

const LIFETIME_MS = { info: 8_000, success: 6_000, error: 12_000 };

/** Short messages about something that happened out of view: a redirect, a failed background save. */
class Notices {
  items = $state<Notice[]>([]);
  #next = 1;

  show(message: string, tone: Notice["tone"] = "info", link?: Notice["link"]) {
    const id = this.#next++;
    this.items = [...this.items.filter((n) => n.message !== message), { id, message, tone, link }].slice(-3);
    setTimeout(() => this.dismiss(id), LIFETIME_MS[tone]);
  }

  dismiss(id: number) {
    this.items = this.items.filter((n) => n.id !== id);
  }
}

export const notices = new Notices();
