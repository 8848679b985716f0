import { plainTimestamp, PlainTimestampConsoleLogger } from './plain-timestamp-console-logger';

// The options Nest's ConsoleLogger formats its timestamps with (@nestjs/common services/console-logger.service.js).
const NEST_TIMESTAMP: Intl.DateTimeFormatOptions = { year: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', day: '2-digit', month: '2-digit' };

describe('plainTimestamp', () => {
  it.each([
    new Date(2026, 0, 5, 0, 3, 9),
    new Date(2026, 11, 4, 12, 0, 0),
    new Date(2026, 11, 4, 16, 49, 7),
    new Date(1999, 8, 30, 23, 59, 59),
    new Date(2027, 1, 1, 9, 5, 0),
  ])('prints %s as Nest does with the en-US locale', (date) => {
    expect(plainTimestamp(date)).toBe(new Intl.DateTimeFormat('en-US', NEST_TIMESTAMP).format(date));
  });
});

describe(PlainTimestampConsoleLogger.name, () => {
  it('writes Nest\'s line format with its own timestamp', () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      new PlainTimestampConsoleLogger({ colors: false }).log('ready', 'edge-node');
      const line = String(write.mock.calls[0]?.[0]);
      expect(line).toMatch(new RegExp(`^\\[Nest\\] ${process.pid}  - \\d\\d/\\d\\d/\\d{4}, \\d{1,2}:\\d\\d:\\d\\d [AP]M +LOG \\[edge-node\\] ready\\n$`));
    } finally {
      write.mockRestore();
    }
  });
});
