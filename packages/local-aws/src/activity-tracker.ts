/**
 * What a request counts as: an AWS request keeps the endpoint alive, a liveness probe
 * (`GET /`, from `findRunningServer` and status polling) does not, or polling would keep
 * an auto-started endpoint running forever.
 */
export type RequestKind = 'aws' | 'probe';

/** Counts requests in flight, for draining on close and for the idle timeout. */
export class ActivityTracker {
  private inFlight = 0;
  private awsInFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private idleHandler: (() => void) | undefined;
  private drainWaiters: (() => void)[] = [];
  private stopped = false;

  constructor(private readonly idleTimeoutMs: number | undefined) {}

  onIdle(handler: () => void): void {
    this.idleHandler = handler;
    this.arm();
  }

  start(kind: RequestKind): void {
    this.inFlight += 1;
    if (kind === 'probe') return;
    this.awsInFlight += 1;
    clearTimeout(this.timer);
  }

  end(kind: RequestKind): void {
    this.inFlight -= 1;
    if (this.inFlight === 0) for (const wake of this.drainWaiters.splice(0)) wake();
    if (kind === 'probe') return;
    this.awsInFlight -= 1;
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  drained(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.drainWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private arm(): void {
    if (this.stopped || !this.idleTimeoutMs || !this.idleHandler || this.awsInFlight > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(this.idleHandler, this.idleTimeoutMs);
    this.timer.unref();
  }
}
