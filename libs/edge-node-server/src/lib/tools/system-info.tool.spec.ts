import { runTool } from '@pimcp/plugin-sdk';
import { toolContext } from '../../test-support/tool-context';
import { systemInfoTool } from './system-info.tool';

describe('system.info', () => {
  it('describes this machine, names the node, and matches its outputSchema', async () => {
    const result = await runTool(systemInfoTool('pi-1'), {}, toolContext());
    expect(result.structuredContent).toMatchObject({
      nodeId: 'pi-1', platform: process.platform, arch: process.arch, nodeVersion: process.version, cpus: expect.any(Number),
    });
    expect(systemInfoTool('pi-1').annotations).toMatchObject({ readOnlyHint: true });
  });
});
