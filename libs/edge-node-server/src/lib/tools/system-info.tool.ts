import { arch, cpus, freemem, hostname, loadavg, platform, release, totalmem, uptime } from 'node:os';
import { defineTool, textResult, type ToolDefinition } from '@pimcp/plugin-sdk';

/** Facts about the node's machine; reads nothing a caller passes in. */
export function systemInfoTool(nodeId: string): ToolDefinition {
  return defineTool({
    name: 'system.info',
    description: 'Describe the node: host name, OS, CPU architecture and count, memory, load and uptime.',
    inputSchema: { type: 'object', properties: {}, additionalProperties: false },
    outputSchema: {
      type: 'object',
      properties: {
        nodeId: { type: 'string' }, hostname: { type: 'string' }, platform: { type: 'string' }, release: { type: 'string' },
        arch: { type: 'string' }, cpus: { type: 'integer' }, totalMemoryBytes: { type: 'integer' }, freeMemoryBytes: { type: 'integer' },
        loadAverage: { type: 'array', items: { type: 'number' } }, uptimeSeconds: { type: 'number' }, nodeVersion: { type: 'string' },
      },
      required: ['nodeId', 'hostname', 'platform', 'arch'],
    },
    annotations: { title: 'System information', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    version: '1.0.0',
    costClass: 'light',
    handler: async () => {
      const info = {
        nodeId, hostname: hostname(), platform: platform(), release: release(), arch: arch(), cpus: cpus().length,
        totalMemoryBytes: totalmem(), freeMemoryBytes: freemem(), loadAverage: loadavg(), uptimeSeconds: uptime(),
        nodeVersion: process.version,
      };
      return textResult(JSON.stringify(info, null, 2), info);
    },
  });
}
