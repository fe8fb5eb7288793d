/**
 * How many UDP exchanges the tap records each second. Recording one costs far more than answering it
 * (five events, each kept and written as JSON), so a flood is counted, not recorded, beyond the budget:
 * the server keeps its speed and the transcript stays readable. One summary note per second says how
 * many went unrecorded.
 */
export class TapBudget {
  private windowStart = 0;
  private used = 0;
  private skipped = 0;

  constructor(
    private readonly perSecond: number,
    private readonly reportSkipped: (count: number) => void,
  ) {}

  take(): boolean {
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      if (this.skipped > 0) this.reportSkipped(this.skipped);
      this.windowStart = now;
      this.used = 0;
      this.skipped = 0;
    }
    if (this.used < this.perSecond) {
      this.used += 1;
      return true;
    }
    this.skipped += 1;
    return false;
  }
}
