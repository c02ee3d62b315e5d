import { isAborted } from "./api";
import { loadErrorMessage } from "./session.svelte";

type Status = "idle" | "loading" | "ready" | "error";

/**
 * One server read that the page repeats with new arguments: the latest request wins (older ones
 * are aborted), the last good data stays on screen while the next loads, and an ended session or
 * lost permission sends the app back through the session check.
 */
export class Query<A, T> {
  data = $state<T | null>(null);
  status = $state<Status>("idle");
  error = $state("");
  #fetch: (args: A, signal: AbortSignal) => Promise<T>;
  #controller: AbortController | null = null;

  constructor(fetch: (args: A, signal: AbortSignal) => Promise<T>) {
    this.#fetch = fetch;
  }

  async run(args: A): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.status = "loading";
    this.error = "";
    try {
      const data = await this.#fetch(args, controller.signal);
      if (controller.signal.aborted) return;
      this.data = data;
      this.status = "ready";
    } catch (e) {
      if (controller.signal.aborted || isAborted(e)) return;
      this.status = "error";
      this.error = loadErrorMessage(e);
    }
  }
}
