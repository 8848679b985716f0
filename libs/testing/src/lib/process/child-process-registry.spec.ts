import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { ChildProcessRegistry } from './child-process-registry';

describe(ChildProcessRegistry.name, () => {
  describe('killAll', () => {
    it('SIGKILLs every tracked child that is still running', async () => {
      const registry = new ChildProcessRegistry();
      const child = spawn('sleep', ['30'], { stdio: 'ignore' });
      registry.track(child);
      expect(registry.size).toBe(1);

      const exited = once(child, 'exit');
      registry.killAll();

      const [code, signal] = await exited;
      expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });
      expect(registry.size).toBe(0);
    });
  });

  describe('track', () => {
    it('forgets a child once it exits on its own', async () => {
      const registry = new ChildProcessRegistry();
      const child = spawn('true', [], { stdio: 'ignore' });
      registry.track(child);

      await once(child, 'exit');

      expect(registry.size).toBe(0);
    });
  });
});
