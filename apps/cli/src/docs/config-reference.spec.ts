import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ConfigSection, configSections, renderConfigReference } from './config-reference';

describe('the configuration reference', () => {
  let sections: ConfigSection[];

  beforeAll(async () => {
    sections = await configSections();
  });

  it('docs/configuration.md is what the config definitions generate (regenerate with `pimcp config reference`)', () => {
    const committed = readFileSync(join(__dirname, '../../../../docs/configuration.md'), 'utf8');
    expect(committed).toBe(renderConfigReference(sections));
  });

  it('lists every setting of every app in that app\'s section, once', () => {
    const texts = renderConfigReference(sections).split(/^## /m).slice(1);
    sections.forEach((section, i) => {
      const text = texts[i] ?? '';
      expect(text.startsWith(`${section.title}\n`)).toBe(true);
      for (const [key, setting] of Object.entries(section.definition)) {
        expect(text.split(`| \`${key}\` | \`${setting.env}\` |`).length - 1).toBe(1);
      }
    });
  });
});
