import { errorMessage } from "./api";

/**
 * Things a person tries that the server may refuse: the last refusal, in words, is `error`.
 * `explain` turns a failure into those words (and may put per-field messages elsewhere first).
 */
export class Attempts {
  error = $state("");
  protected readonly explain: (e: unknown) => string;

  constructor(explain: (e: unknown) => string = errorMessage) {
    this.explain = explain;
  }

  async attempt(action: () => Promise<void>) {
    this.error = "";
    try {
      await action();
    } catch (e) {
      this.error = this.explain(e);
    }
  }
}

/**
 * One thing a person starts, such as a form's submit: one run at a time, `busy` while it runs.
 * Other attempts (signing out from the same page, say) report their refusal in the same `error`.
 */
export class Action extends Attempts {
  busy = $state(false);
  readonly #run: () => Promise<void>;

  constructor(run: () => Promise<void>, explain?: (e: unknown) => string) {
    super(explain);
    this.#run = run;
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
      this.error = this.explain(e);
      return false;
    } finally {
      this.busy = false;
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
