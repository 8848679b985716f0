import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_SECTIONS, renderConfigReference } from './config-reference';

describe('the configuration reference', () => {
  it('docs/configuration.md is what the config definitions generate (regenerate with `pimcp config reference`)', () => {
    const committed = readFileSync(join(__dirname, '../../../../docs/configuration.md'), 'utf8');
    expect(committed).toBe(renderConfigReference());
  });

  it('lists every setting of every app in that app\'s section, once', () => {
    const sections = renderConfigReference().split(/^## /m).slice(1);
    CONFIG_SECTIONS.forEach((section, i) => {
      const text = sections[i] ?? '';
      expect(text.startsWith(`${section.title}\n`)).toBe(true);
      for (const [key, setting] of Object.entries(section.definition)) {
        expect(text.split(`| \`${key}\` | \`${setting.env}\` |`).length - 1).toBe(1);
      }
    });
  });
});
