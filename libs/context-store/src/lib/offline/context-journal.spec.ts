import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContextJournal } from './context-journal';

const entry = (key: string) => ({ op: 'put' as const, contextId: 'c', key, value: key, clock: '000000000001000.000000.pi-1' });

describe(ContextJournal.name, () => {
  const path = () => join(mkdtempSync(join(tmpdir(), 'pimcp-journal-')), 'nested', 'journal.jsonl');

  it('keeps appended writes across a reopen, in order, and removes replayed ones durably', () => {
    const file = path();
    const journal = ContextJournal.open(file);
    journal.append(entry('a'));
    journal.append(entry('b'));
    journal.append(entry('c'));
    journal.close();
    const reopened = ContextJournal.open(file);
    expect(reopened.entries().map((e) => e.key)).toEqual(['a', 'b', 'c']);
    reopened.removeFirst(2);
    reopened.append(entry('d'));
    reopened.close();
    expect(ContextJournal.open(file).entries().map((e) => e.key)).toEqual(['c', 'd']);
  });

  it('drops a torn last line (a crash mid-append) and refuses a damaged middle line', () => {
    const file = path();
    const journal = ContextJournal.open(file);
    journal.append(entry('a'));
    journal.close();
    appendFileSync(file, '{"op":"put","contextId":"c","ke');
    const recovered = ContextJournal.open(file);
    expect(recovered.entries().map((e) => e.key)).toEqual(['a']);
    recovered.append(entry('b'));
    recovered.close();
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);

    const damaged = path();
    ContextJournal.open(damaged).close();
    appendFileSync(damaged, 'garbage\n{"op":"put","contextId":"c","key":"z","clock":"x"}\n');
    expect(() => ContextJournal.open(damaged)).toThrow(/damaged at line 1/);
  });

  it('refuses a write past its bound, saying the node is offline and the journal full', () => {
    const journal = ContextJournal.open(path(), { maxEntries: 2 });
    journal.append(entry('a'));
    journal.append(entry('b'));
    expect(() => journal.append(entry('c'))).toThrow(/journal .* is full \(2 writes\)/);
    journal.close();
  });
});
