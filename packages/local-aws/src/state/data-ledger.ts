import { writeManifest } from './manifest.js';

export interface Census {
  keyIds: string[];
  tables: Record<string, number>;
}

/** How long after the last write the counts are taken and the manifest marked settled. */
const SETTLE_DELAY_MS = 1000;

/**
 * Keeps manifest.json in step with the data: before the first table write after a
 * settled point it marks the manifest unsettled (so a crash mid-way never leaves counts
 * that look exact but are not), and once writes have paused it counts again and marks it
 * settled. At most one manifest write per pause, not one per request.
 */
export class DataLedger {
  private settled: boolean;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private lastCensus: Census | undefined;

  constructor(
    private readonly stateDir: string,
    private readonly census: () => Promise<Census>,
    private readonly onError: (error: unknown) => void,
    settled: boolean,
  ) {
    this.settled = settled;
  }

  /** Awaited before a table write is forwarded; a failure (a full disk) fails the write. */
  beforeTableWrite(): Promise<void> {
    this.inFlight++;
    this.clearTimer();
    const step = this.chain.then(async () => {
      if (!this.settled) return;
      // The counts of an unsettled manifest are never compared, so the last settled
      // ones serve: no recount (a Scan of every table) on the path of a write.
      const census = this.lastCensus ?? (await this.census());
      await writeManifest(this.stateDir, { ...census, settled: false });
      this.settled = false;
    });
    this.chain = step.catch(() => undefined);
    return step.catch((error: unknown) => {
      this.inFlight--;
      throw error;
    });
  }

  afterTableWrite(): void {
    this.inFlight--;
    this.schedule();
  }

  /** Something else changed (KMS keys): record it once writes pause. */
  schedule(): void {
    if (this.closed) return;
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.settle().catch(this.onError);
    }, SETTLE_DELAY_MS);
    this.timer.unref();
  }

  /**
   * Counts and records a settled manifest, unless writes are in flight. `known`: counts
   * the caller has just taken with no write since, recorded instead of counting again.
   */
  settle(known?: Census): Promise<void> {
    const step = this.chain.then(async () => {
      if (this.inFlight > 0) return;
      const census = known ?? (await this.census());
      await writeManifest(this.stateDir, { ...census, settled: true });
      this.lastCensus = census;
      this.settled = true;
    });
    this.chain = step.catch(() => undefined);
    return step;
  }

  /** The last settle, with requests drained; later writes are not tracked. */
  async close(): Promise<void> {
    this.clearTimer();
    await this.settle();
    this.closed = true;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
