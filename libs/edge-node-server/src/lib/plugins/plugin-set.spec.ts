import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PluginLists, PluginSet, type PluginSetHooks } from './plugin-set';

/** A package plugin in a temp node_modules that records its ready/close calls in a global array. */
function installRecordingPlugin(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pimcp-plugin-set-'));
  const pkg = join(dir, 'node_modules', 'pimcp-plugin-recorder');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'pimcp-plugin-recorder', main: 'index.js' }));
  writeFileSync(join(pkg, 'index.js'), `
    exports.pimcpPlugin = (config) => ({
      tools: [],
      ready: async () => { globalThis.__recorder.push('ready ' + config.tag); },
      close: async () => { globalThis.__recorder.push('close ' + config.tag); },
    });`);
  return dir;
}

describe(PluginSet.name, () => {
  const events: string[] = [];
  const installed: Array<PluginLists> = [];
  let settledWith: Array<ReadonlySet<string>> = [];
  const hooks: PluginSetHooks = {
    install: (contents) => {
      installed.push(contents);
      events.push('install');
    },
    publish: async () => {
      events.push('publish');
    },
    settled: async (tools) => {
      settledWith.push(tools);
      events.push('settled');
    },
  };
  const cwd = process.cwd();

  beforeAll(() => {
    (globalThis as { __recorder?: string[] }).__recorder = events;
    process.chdir(installRecordingPlugin());
  });

  afterAll(() => process.chdir(cwd));

  beforeEach(() => {
    events.length = 0;
    installed.length = 0;
    settledWith = [];
  });

  it('loads a newly enabled plugin (ready before it is offered), publishes, and changes nothing else', async () => {
    const set = new PluginSet({ nodeId: 'n1' });
    await set.start(['context-demo'], {});
    const change = await set.apply(['context-demo', 'pimcp-plugin-recorder'], { 'pimcp-plugin-recorder': { tag: 'a' } }, hooks);
    expect(change).toEqual({ loaded: ['pimcp-plugin-recorder'], closed: [] });
    expect(events).toEqual(['ready a', 'install', 'publish', 'settled']);
    expect(installed[0]?.tools.map((t) => t.name)).toEqual(['demo.remember', 'demo.recall']);
    await set.close();
  });

  it('closes a removed plugin only after publishing and after its calls settled, and reloads one whose config changed', async () => {
    const set = new PluginSet({ nodeId: 'n1' });
    await set.start(['context-demo', 'pimcp-plugin-recorder'], { 'pimcp-plugin-recorder': { tag: 'a' } });
    events.length = 0;
    expect(await set.apply(['context-demo', 'pimcp-plugin-recorder'], { 'pimcp-plugin-recorder': { tag: 'b' } }, hooks)).toEqual({ loaded: ['pimcp-plugin-recorder'], closed: ['pimcp-plugin-recorder'] });
    expect(events).toEqual(['ready b', 'install', 'publish', 'settled', 'close a']);
    events.length = 0;
    expect(await set.apply(['pimcp-plugin-recorder'], { 'pimcp-plugin-recorder': { tag: 'b' } }, hooks)).toEqual({ loaded: [], closed: ['context-demo'] });
    expect(settledWith.at(-1)).toEqual(new Set(['demo.remember', 'demo.recall']));
    expect(installed.at(-1)?.tools).toEqual([]);
    expect(await set.apply(['pimcp-plugin-recorder'], { 'pimcp-plugin-recorder': { tag: 'b' } }, hooks)).toEqual({ loaded: [], closed: [] });
    await set.close();
  });

  it('keeps the running plugins when the new config is bad, and says which plugin', async () => {
    const set = new PluginSet({ nodeId: 'n1' });
    await set.start(['context-demo'], {});
    await expect(set.apply(['context-demo', 'shell.run'], { 'shell.run': { executables: { 'relative/tool': null } } }, hooks)).rejects.toThrow(/plugin shell\.run/);
    expect(events).toEqual([]);
    expect(set.contents().tools.map((t) => t.name)).toEqual(['demo.remember', 'demo.recall']);
    await set.close();
  });
});
