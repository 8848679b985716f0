import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@pimcp/config';
import { loadPlugins } from './known-plugins';
import { loadPackagePlugin } from './package-plugin.loader';

describe('loadPlugins', () => {
  it('loads a built-in plugin with its section of the plugin config', () => {
    const root = mkdtempSync(join(tmpdir(), 'pimcp-plugins-'));
    const loaded = loadPlugins(['shell.run', 'context-demo'], { 'shell.run': { workingDirectory: root, executables: { '/bin/echo': { args: ['.*'] } } } });
    expect(loaded.tools.map((t) => t.name)).toEqual(['shell.run', 'demo.remember', 'demo.recall']);
  });

  it('offers nothing for a host-touching plugin without config (deny by default)', () => {
    expect(loadPlugins(['shell.run', 'http.request']).tools).toEqual([]);
  });

  it('stops at boot naming the plugin and the field when its config is wrong', () => {
    const load = () => loadPlugins(['shell.run'], { 'shell.run': { executables: { 'relative/tool': null } } });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/plugin shell\.run: .*pluginConfig\["shell\.run"\]/);
  });

  it('waits for plugins that load from disk, and stops the boot when one cannot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pimcp-vector-'));
    const good = loadPlugins(['vector'], { vector: { indexes: { notes: { path: join(dir, 'notes.idx'), dimensions: 3, readOnly: false } } } });
    await expect(good.ready()).resolves.toBeUndefined();
    expect(good.tools.map((t) => t.name)).toEqual(['vector.search', 'vector.add', 'vector.delete']);
    await good.close();
    writeFileSync(join(dir, 'torn.idx'), 'not a snapshot');
    const torn = loadPlugins(['vector'], { vector: { indexes: { torn: { path: join(dir, 'torn.idx'), dimensions: 3 } } } });
    await expect(torn.ready()).rejects.toThrow(/torn/);
    await torn.close();
  });

  it('offers the storage tools for a directory store, read-only unless it says otherwise', () => {
    const root = mkdtempSync(join(tmpdir(), 'pimcp-objects-'));
    expect(loadPlugins(['storage'], { storage: { stores: { objects: { kind: 'directory', root } } } }).tools.map((t) => t.name))
      .toEqual(['storage.get', 'storage.list']);
  });

  it('refuses a name that is neither built in nor a package name', () => {
    expect(() => loadPlugins(['../../etc/passwd'])).toThrow(/not a plugin \(built-in: shell\.run/);
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
});
