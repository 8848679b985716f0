import { ReadWriteLock } from './read-write-lock';

function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => undefined as void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe(ReadWriteLock.name, () => {
  it('lets readers in together', async () => {
    const lock = new ReadWriteLock();
    const events: string[] = [];
    const held = gate();
    const first = lock.read(async () => {
      events.push('first in');
      await held.promise;
    });
    const second = lock.read(() => events.push('second in'));
    await settle();
    expect(events).toEqual(['first in', 'second in']);
    held.open();
    await Promise.all([first, second]);
  });

  it('keeps a writer out until the readers leave, and later readers behind the waiting writer', async () => {
    const lock = new ReadWriteLock();
    const events: string[] = [];
    const held = gate();
    const reader = lock.read(async () => {
      events.push('reader in');
      await held.promise;
      events.push('reader out');
    });
    const writer = lock.write(() => events.push('writer'));
    const late = lock.read(() => events.push('late reader'));
    await settle();
    expect(events).toEqual(['reader in']);
    held.open();
    await Promise.all([reader, writer, late]);
    expect(events).toEqual(['reader in', 'reader out', 'writer', 'late reader']);
  });

  it('releases the lock when the work throws', async () => {
    const lock = new ReadWriteLock();
    await expect(lock.write(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lock.write(() => 'next')).toBe('next');
  });
});
