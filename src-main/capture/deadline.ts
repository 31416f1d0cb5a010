// A connection's one deadline at a time (idle, head, body, the upstream's answer…) on one timer.
// Moving the deadline later does not touch the timer: when it fires before the deadline it
// re-arms for the rest, so a deadline moved on every read costs no timer call.

export class Deadline<Kind extends string> {
  private kind: Kind | null = null;
  private at = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = 0;
  private readonly due: (kind: Kind, now: number) => void;

  /** `due` is called once the deadline of `kind` has passed, unless it was cleared first. */
  constructor(due: (kind: Kind, now: number) => void) {
    this.due = due;
  }

  /** The deadline now running, or null. */
  get current(): Kind | null {
    return this.kind;
  }

  /** The deadline is now `kind`, at `at` (ms since the epoch), in place of any other. */
  set(kind: Kind, at: number): void {
    this.kind = kind;
    this.at = at;
    if (this.timer !== null && this.timerAt <= at) return;
    this.arm(at);
  }

  /** No deadline (of `kind` only, when given); the timer, if any, finds nothing to do. */
  clear(kind?: Kind): void {
    if (kind === undefined || this.kind === kind) this.kind = null;
  }

  /** No deadline and no timer: the connection is done. */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.kind = null;
  }

  private arm(at: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.fired(), Math.max(0, at - Date.now()));
    this.timer.unref();
  }

  private fired(): void {
    this.timer = null;
    const kind = this.kind;
    if (kind === null) return;
    const now = Date.now();
    if (now < this.at) {
      this.arm(this.at);
      return;
    }
    this.kind = null;
    this.due(kind, now);
  }
}
