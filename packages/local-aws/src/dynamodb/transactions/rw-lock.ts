/**
 * A readers–writer lock, writer-preferring: transactions take it exclusively and every
 * other DynamoDB request shares it, so no request ever observes, or interleaves with, a
 * transaction half applied. A waiting writer holds back new readers so that a steady
 * stream of single-item requests cannot starve transactions.
 */
export class ReadWriteLock {
  private readers = 0;
  private writing = false;
  private readonly waiting: { exclusive: boolean; grant(): void }[] = [];

  async shared<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire(false);
    try {
      return await work();
    } finally {
      this.readers -= 1;
      this.wake();
    }
  }

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire(true);
    try {
      return await work();
    } finally {
      this.writing = false;
      this.wake();
    }
  }

  private acquire(exclusive: boolean): Promise<void> {
    if (this.waiting.length === 0 && this.canGrant(exclusive)) {
      this.take(exclusive);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiting.push({ exclusive, grant: resolve });
    });
  }

  private canGrant(exclusive: boolean): boolean {
    return exclusive ? !this.writing && this.readers === 0 : !this.writing;
  }

  private take(exclusive: boolean): void {
    if (exclusive) this.writing = true;
    else this.readers += 1;
  }

  private wake(): void {
    while (this.waiting.length > 0) {
      const next = this.waiting[0];
      if (!next || !this.canGrant(next.exclusive)) return;
      this.waiting.shift();
      this.take(next.exclusive);
      next.grant();
      if (next.exclusive) return;
    }
  }
}
