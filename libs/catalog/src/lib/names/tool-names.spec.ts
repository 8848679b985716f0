import { toolNames } from './tool-names';

describe('toolNames', () => {
  describe('splitAlias', () => {
    it('splits at the first dot, since node ids hold none and capability names may', () => {
      expect(toolNames.splitAlias('pi-1.file.search')).toEqual({ nodeId: 'pi-1', capabilityName: 'file.search' });
      expect(toolNames.splitAlias(toolNames.alias('pi-1', 'pi-1.x'))).toEqual({ nodeId: 'pi-1', capabilityName: 'pi-1.x' });
    });

    it('has no alias reading for names without a dot or with nothing on one side of it', () => {
      expect(toolNames.splitAlias('search')).toBeUndefined();
      expect(toolNames.splitAlias('.search')).toBeUndefined();
      expect(toolNames.splitAlias('pi-1.')).toBeUndefined();
    });
  });
});
