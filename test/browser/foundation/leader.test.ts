import { expect } from 'chai';
import { LeaderElection, HUB_LOCK_NAME } from '../../../src/hub/leader.ts';

/** Two elections in one page compete for the same origin-wide lock, as two windows do. */
function window_(name: string, log: string[]) {
  const election: LeaderElection = new LeaderElection({
    onLeader: () => void log.push(`${name} hub`),
    onLost: () => void log.push(`${name} lost`),
  });
  return election;
}

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('one hub at a time (Web Locks)', () => {
  afterEach(async () => {
    // Nothing may keep the lock into the next test.
    const state = await navigator.locks.query();
    expect((state.held ?? []).filter((l) => l.name === HUB_LOCK_NAME)).to.have.length(0);
  });

  it('makes only the first window the hub; the second waits and takes over when the first closes', async () => {
    const log: string[] = [];
    const first = window_('first', log);
    const second = window_('second', log);
    await first.join();
    void second.join();
    await tick();
    expect(log).to.deep.equal(['first hub']);
    expect(await second.held()).to.equal(true);
    first.stepDown();
    await tick();
    expect(log).to.deep.equal(['first hub', 'second hub']);
    second.stepDown();
  });

  it('lets a window take the hub over; the old hub is told at once', async () => {
    const log: string[] = [];
    const first = window_('first', log);
    const second = window_('second', log);
    await first.join();
    void second.join();
    await tick();
    await second.takeOver();
    await tick();
    expect(log).to.have.members(['first hub', 'second hub', 'first lost']);
    expect(first.role).to.equal('lost');
    expect(second.role).to.equal('hub');
    second.stepDown();
  });

  it('releases the lock when the hub fails to start, so another window can try', async () => {
    const log: string[] = [];
    const broken = new LeaderElection({ onLeader: () => Promise.reject(new Error('IndexedDB is unavailable')), onLost: () => undefined });
    let failure: Error | null = null;
    await broken.join().catch((e: Error) => (failure = e));
    expect(failure!.message).to.equal('IndexedDB is unavailable');
    const next = window_('next', log);
    await next.join();
    expect(log).to.deep.equal(['next hub']);
    next.stepDown();
  });
});
