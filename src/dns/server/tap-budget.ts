/**
 * How many UDP exchanges the tap records each second. Recording one costs far more than answering it
 * (five events, each kept and written as JSON), so a flood is counted, not recorded, beyond the budget:
 * the server keeps its speed and the transcript stays readable. A token bucket: a burst of up to a
 * second's budget is recorded whole (a test, a person trying dig), a flood is sampled evenly through
 * each second — never a second's worth of recording at once, which stalled every answer behind it.
 * One summary note per second says how many went unrecorded.
 */
export class TapBudget {
  private tokens: number;
  private refilledAt = Date.now();
  private reportedAt = Date.now();
  private skipped = 0;

  constructor(
    private readonly perSecond: number,
    private readonly reportSkipped: (count: number) => void,
  ) {
    this.tokens = perSecond;
  }

  take(): boolean {
    const now = Date.now();
    if (now !== this.refilledAt) {
      this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.refilledAt) * this.perSecond) / 1000);
      this.refilledAt = now;
    }
    if (now - this.reportedAt >= 1000) {
      if (this.skipped > 0) this.reportSkipped(this.skipped);
      this.reportedAt = now;
      this.skipped = 0;
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.skipped += 1;
    return false;
  }
}
