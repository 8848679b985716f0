import { readProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { pluginGenerator } from './plugin.generator';

describe('pluginGenerator', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('creates a plugin project: package, build, test, source with pimcpPlugin and one zod tool, README', async () => {
    await pluginGenerator(tree, { name: 'weather-station' });
    const root = 'plugins/weather-station';
    expect(readProjectConfiguration(tree, 'weather-station')).toMatchObject({ root, tags: ['type:feature', 'scope:plugins'] });
    for (const file of ['package.json', 'webpack.config.js', 'jest.config.cts', 'eslint.config.mjs', 'tsconfig.json', 'tsconfig.lib.json', 'tsconfig.spec.json', 'README.md',
      'src/index.ts', 'src/lib/weather-station.config.ts', 'src/lib/greet.tool.ts', 'src/lib/greet.tool.spec.ts']) {
      expect(tree.exists(`${root}/${file}`)).toBe(true);
    }
    expect(JSON.parse(tree.read(`${root}/package.json`, 'utf8') ?? '')).toMatchObject({ name: 'pimcp-plugin-weather-station', main: 'main.js' });
    expect(tree.read(`${root}/src/index.ts`, 'utf8')).toContain('export function pimcpPlugin(config: unknown): PluginContents');
    const tool = tree.read(`${root}/src/lib/greet.tool.ts`, 'utf8');
    expect(tool).toContain("name: 'weather-station.greet'");
    expect(tool).toContain('inputSchema: input');
    expect(tree.read(`${root}/src/lib/weather-station.config.ts`, 'utf8')).toContain('export function parseWeatherStationConfig');
    // The build writes dist/plugins/<name>, two levels up from the project.
    expect(tree.read(`${root}/webpack.config.js`, 'utf8')).toContain("join(__dirname, '../../dist/plugins/weather-station')");
  });

  it('honours --directory and --packageName, with paths back to the root that fit the depth', async () => {
    await pluginGenerator(tree, { name: 'sensors', directory: 'libs/plugins/sensors', packageName: '@acme/pimcp-sensors' });
    expect(JSON.parse(tree.read('libs/plugins/sensors/package.json', 'utf8') ?? '').name).toBe('@acme/pimcp-sensors');
    expect(tree.read('libs/plugins/sensors/jest.config.cts', 'utf8')).toContain("preset: '../../../jest.preset.js'");
    expect(tree.read('libs/plugins/sensors/README.md', 'utf8')).toContain('plugins: [@acme/pimcp-sensors]');
  });

  it('refuses a name that cannot make tool names, and a folder that exists', async () => {
    await expect(pluginGenerator(tree, { name: 'Weather Station' })).rejects.toThrow(/lowercase letters, digits and "-"/);
    await pluginGenerator(tree, { name: 'twice' });
    await expect(pluginGenerator(tree, { name: 'twice' })).rejects.toThrow(/plugins\/twice already exists/);
  });
});
