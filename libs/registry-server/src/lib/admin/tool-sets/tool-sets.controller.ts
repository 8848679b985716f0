import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { ErrorCode, PimcpError, toolSetNameProblem, type ToolSetRecord, validateToolSet } from '@pimcp/protocol';
import type { RegistryStore } from '@pimcp/registry-store';
import { REGISTRY_STORE } from '../../config/registry-tokens';

/**
 * Named tool sets for every gateway (ADR 0020): validated with the gateway's own rules, stored in the registry, and
 * followed by each gateway's catalog watch within moments. A set here replaces a gateway's YAML set of the same name.
 */
@Controller('v1/tool-sets')
export class ToolSetsController {
  constructor(@Inject(REGISTRY_STORE) private readonly store: RegistryStore) {}

  @Get()
  async list(): Promise<{ toolSets: ToolSetRecord[] }> {
    return { toolSets: await this.store.toolSets() };
  }

  @Get(':name')
  async get(@Param('name') name: string): Promise<ToolSetRecord> {
    checkName(name);
    const found = (await this.store.toolSets()).find((set) => set.name === name);
    if (!found) throw unknownToolSet(name);
    return found;
  }

  @Put(':name')
  @HttpCode(200)
  async set(@Param('name') name: string, @Body() body: unknown): Promise<{ name: string; patterns: string[]; revision: number }> {
    // INVALID_REQUEST with every problem and its field, exactly as a gateway would refuse the set in its YAML.
    const { patterns } = validateToolSet(name, body);
    return { name, patterns, revision: await this.store.putToolSet(name, patterns) };
  }

  @Delete(':name')
  @HttpCode(200)
  async remove(@Param('name') name: string): Promise<{ name: string; revision: number }> {
    checkName(name);
    const revision = await this.store.deleteToolSet(name);
    if (revision === undefined) throw unknownToolSet(name);
    return { name, revision };
  }
}

function checkName(name: string): void {
  const problem = toolSetNameProblem(name);
  if (problem) throw new PimcpError(ErrorCode.InvalidRequest, `invalid tool set: name: ${problem}`, [{ path: 'name', message: problem }]);
}

function unknownToolSet(name: string): PimcpError {
  return new PimcpError(ErrorCode.ToolSetUnknown,
    `no tool set "${name}" is stored in the registry; GET /v1/tool-sets lists them (sets from a gateway's YAML toolSets are not listed here)`);
}
