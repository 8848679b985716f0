import type { Tool } from '@modelcontextprotocol/client';
import { groupTools, splitAlias, toolsOfNode } from './tool-listing';

const tool = (name: string, extra: Partial<Tool> = {}): Tool => ({ name, inputSchema: { type: 'object' }, ...extra });

describe('tool listing', () => {
  const listed = [
    tool('system.info', { description: 'Node facts', annotations: { readOnlyHint: true } }),
    tool('pi-2.system.info'), tool('pi-1.system.info'), tool('pi-1.file.read'), tool('file.read'),
    tool('context.get', { title: 'Read shared context' }),
  ];

  describe('groupTools', () => {
    it('lists each tool once with the nodes whose aliases offer it, gateway tools with none', () => {
      expect(groupTools(listed)).toEqual([
        { name: 'context.get', title: 'Read shared context', nodes: [], readOnly: false },
        { name: 'file.read', nodes: ['pi-1'], readOnly: false },
        { name: 'system.info', description: 'Node facts', nodes: ['pi-1', 'pi-2'], readOnly: true },
      ]);
    });
  });

  describe('toolsOfNode', () => {
    it('returns one node\'s aliases', () => {
      expect(toolsOfNode(listed, 'pi-1').map((t) => t.name)).toEqual(['pi-1.file.read', 'pi-1.system.info']);
      expect(toolsOfNode(listed, 'pi-9')).toEqual([]);
    });
  });

  describe('splitAlias', () => {
    it('reads a dotted tool name as a tool, not an alias, unless its rest is a listed tool', () => {
      const names = new Set(['context.get', 'system.info']);
      expect(splitAlias('context.get', names)).toBeUndefined();
      expect(splitAlias('local.system.info', names)).toEqual({ nodeId: 'local', tool: 'system.info' });
    });
  });
});
