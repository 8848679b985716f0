import { ConsoleLogger } from '@nestjs/common';

const two = (n: number) => String(n).padStart(2, '0');

/**
 * Local time as Nest's console logger prints it with the default locale (`01/05/2026, 12:03:09 AM`), built without
 * Intl, so writing a log line does not map ICU's date data (about 8 MiB of RSS; ADR 0018).
 */
export function plainTimestamp(date: Date): string {
  const hours = date.getHours() % 12 || 12;
  return `${two(date.getMonth() + 1)}/${two(date.getDate())}/${date.getFullYear()}, ` +
    `${hours}:${two(date.getMinutes())}:${two(date.getSeconds())} ${date.getHours() < 12 ? 'AM' : 'PM'}`;
}

/** Nest's console logger (same format, colours and levels) with timestamps that need no ICU data. */
export class PlainTimestampConsoleLogger extends ConsoleLogger {
  protected override getTimestamp(): string {
    return plainTimestamp(new Date());
  }
}
