import { errorMessage } from "./api";

/**
 * Something a person starts that the server may refuse, such as a form's submit: one run at a
 * time, `busy` while it runs, and the refusal in words in `error`. `explain` turns a failure
 * into those words (and may put per-field messages elsewhere first).
 */
export class Action {
  busy = $state(false);
  error = $state("");
  readonly #run: () => Promise<void>;
  readonly #explain: (e: unknown) => string;

  constructor(run: () => Promise<void>, explain: (e: unknown) => string = errorMessage) {
    this.#run = run;
    this.#explain = explain;
  }

  /** False when it failed (or another run was still under way). */
  async run(): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    this.error = "";
    try {
      await this.#run();
      return true;
    } catch (e) {
      this.error = this.#explain(e);
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** Runs something else whose refusal is shown where this action's would be (not busy meanwhile). */
  async attempt(other: () => Promise<void>) {
    this.error = "";
    try {
      await other();
    } catch (e) {
      this.error = this.#explain(e);
    }
  }
}

/** An action on one item that a dialog asks to confirm first: revoke a key, remove a member. */
export class Confirmation<T> {
  item = $state<T | null>(null);
  readonly action: Action;

  constructor(act: (item: T) => Promise<void>) {
    this.action = new Action(async () => {
      if (!this.item) return;
      await act(this.item);
      this.item = null;
    });
  }

  ask(item: T) {
    this.item = item;
    this.action.error = "";
  }

  cancel() {
    this.item = null;
  }
}
