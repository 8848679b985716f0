import { HybridLogicalClock } from './hybrid-logical-clock';

describe(HybridLogicalClock.name, () => {
  it('strictly increases even when the wall clock stands still or steps back', () => {
    let now = 5000;
    const clock = new HybridLogicalClock('pi-1', () => now);
    const a = clock.next();
    const b = clock.next();
    now = 4000; // an NTP correction, or a board without RTC after a reboot
    const c = clock.next();
    now = 6000;
    const d = clock.next();
    expect([a, b, c, d]).toEqual(['000000000005000.000000.pi-1', '000000000005000.000001.pi-1', '000000000005000.000002.pi-1', '000000000006000.000000.pi-1']);
    expect([...[a, b, c, d]].sort()).toEqual([a, b, c, d]);
  });

  it('moves past a clock it observes, so a restarted node does not reuse journaled clocks', () => {
    const clock = new HybridLogicalClock('pi-1', () => 1000);
    clock.observe('000000000009000.000007.pi-1');
    expect(clock.next()).toBe('000000000009000.000008.pi-1');
  });
});
