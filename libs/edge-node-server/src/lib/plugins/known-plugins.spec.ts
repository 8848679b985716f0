import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@pimcp/config';
import { loadPlugins } from './known-plugins';
import { loadPackagePlugin } from './package-plugin.loader';

// Records which built-in plugin entry points were imported (a jest.mock factory runs on the first import only).
const imported: string[] = [];
jest.mock('@pimcp/builtin-plugins/storage', () => {
  imported.push('storage');
  return jest.requireActual('@pimcp/builtin-plugins/storage');
});
jest.mock('@pimcp/builtin-plugins/shell-run', () => {
  imported.push('shell.run');
  return jest.requireActual('@pimcp/builtin-plugins/shell-run');
});

describe('loadPlugins', () => {
  it('imports a built-in plugin\'s module only when the node names that plugin', async () => {
    await loadPlugins(['context-demo']);
    expect(imported).toEqual([]);
    await loadPlugins(['shell.run']);
    expect(imported).toEqual(['shell.run']);
    await loadPlugins(['shell.run', 'storage']);
    expect(imported).toEqual(['shell.run', 'storage']);
  });

  it('loads a built-in plugin with its section of the plugin config', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pimcp-plugins-'));
    const loaded = await loadPlugins(['shell.run', 'context-demo'], { 'shell.run': { workingDirectory: root, executables: { '/bin/echo': { args: ['.*'] } } } });
    expect(loaded.tools.map((t) => t.name)).toEqual(['shell.run', 'demo.remember', 'demo.recall']);
  });

  it('offers nothing for a host-touching plugin without config (deny by default)', async () => {
    expect((await loadPlugins(['shell.run', 'http.request'])).tools).toEqual([]);
  });

  it('stops at boot naming the plugin and the field when its config is wrong', async () => {
    const load = () => loadPlugins(['shell.run'], { 'shell.run': { executables: { 'relative/tool': null } } });
    await expect(load()).rejects.toThrow(ConfigError);
    await expect(load()).rejects.toThrow(/plugin shell\.run: .*pluginConfig\["shell\.run"\]/);
  });

  it('waits for plugins that load from disk, and stops the boot when one cannot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pimcp-vector-'));
    const good = await loadPlugins(['vector'], { vector: { indexes: { notes: { path: join(dir, 'notes.idx'), dimensions: 3, readOnly: false } } } });
    await expect(good.ready()).resolves.toBeUndefined();
    expect(good.tools.map((t) => t.name)).toEqual(['vector.search', 'vector.add', 'vector.delete']);
    await good.close();
    writeFileSync(join(dir, 'torn.idx'), 'not a snapshot');
    const torn = await loadPlugins(['vector'], { vector: { indexes: { torn: { path: join(dir, 'torn.idx'), dimensions: 3 } } } });
    await expect(torn.ready()).rejects.toThrow(/torn/);
    await torn.close();
  });

  it('offers the storage tools for a directory store, read-only unless it says otherwise', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pimcp-objects-'));
    expect((await loadPlugins(['storage'], { storage: { stores: { objects: { kind: 'directory', root } } } })).tools.map((t) => t.name))
      .toEqual(['storage.get', 'storage.list']);
  });

  it('refuses a name that is neither built in nor a package name, before loading any plugin', async () => {
    await expect(loadPlugins(['shell.run', '../../etc/passwd'])).rejects.toThrow(/not a plugin \(built-in: shell\.run/);
  });
});

describe(loadPackagePlugin.name, () => {
  it('loads an npm package installed next to the node and passes it its config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pimcp-pkg-'));
    mkdirSync(join(dir, 'node_modules', 'pimcp-plugin-hello'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'pimcp-plugin-hello', 'index.js'),
      'exports.pimcpPlugin = (config) => ({ tools: [], resources: [{ uri: "hello://" + config.who, name: "hello", read: async () => ({ contents: [] }) }] });');
    expect(loadPackagePlugin('pimcp-plugin-hello', { who: 'pi' }, dir).resources?.[0]?.uri).toBe('hello://pi');
    expect(() => loadPackagePlugin('pimcp-plugin-missing', {}, dir)).toThrow(/neither a built-in plugin nor an installed package/);
  });

  it('refuses a package whose tool schema the registry would refuse, naming the tool and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pimcp-pkg-'));
    const pkg = join(dir, 'node_modules', 'pimcp-plugin-bad-schema');
    mkdirSync(pkg, { recursive: true });
    // `minLength: "two"` passes defineTool's size and type check but not JSON Schema's meta-schema.
    writeFileSync(join(pkg, 'index.js'), `exports.pimcpPlugin = () => ({ tools: [${JSON.stringify({
      name: 'bad.echo', description: 'echo', version: '1.0.0', costClass: 'light',
      inputSchema: { type: 'object', properties: { text: { type: 'string', minLength: 'two' } } },
    })}].map((t) => ({ ...t, handler: async () => ({ content: [] }) })) });`);

    expect(() => loadPackagePlugin('pimcp-plugin-bad-schema', {}, dir)).toThrow(/tool "bad\.echo": inputSchema is not valid JSON Schema: .*minLength/);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await expect(loadPlugins(['pimcp-plugin-bad-schema'])).rejects.toThrow(ConfigError);
    } finally {
      process.chdir(cwd);
    }
  });
});
