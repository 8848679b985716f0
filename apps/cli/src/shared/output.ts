import Table from 'cli-table3';

/** Borderless columns (like kubectl): easy to read, grep and cut. No colours, so pipes get plain text. */
export function renderTable(head: string[], rows: Array<Array<string | number>>): string {
  const table = new Table({
    head,
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
    },
    style: { 'padding-left': 0, 'padding-right': 0, head: [], border: [] },
  });
  table.push(...rows.map((row) => row.map(String)));
  return table.toString().split('\n').map((line) => line.trimEnd()).join('\n');
}

export function printTable(head: string[], rows: Array<Array<string | number>>, emptyMessage: string): void {
  process.stdout.write(rows.length === 0 ? `${emptyMessage}\n` : `${renderTable(head, rows)}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A one-line rendering of any JSON value, cut to width for a table cell. */
export function compactJson(value: unknown, width = 60): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}
