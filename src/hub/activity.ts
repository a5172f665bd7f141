/** Counts work in progress so that updates and restarts wait for the hub to be idle. */
export class Activity {
  private running = 0;
  private waiters: Array<() => void> = [];

  begin(): () => void {
    this.running++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (--this.running === 0) for (const wake of this.waiters.splice(0)) wake();
    };
  }

  get idle(): boolean {
    return this.running === 0;
  }

  whenIdle(): Promise<void> {
    return this.idle ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}
