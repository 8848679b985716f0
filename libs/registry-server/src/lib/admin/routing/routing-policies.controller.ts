import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { CAPABILITY_NAME_PATTERN, ErrorCode, PimcpError, type RoutingPolicyRecord } from '@pimcp/protocol';
import type { RegistryStore } from '@pimcp/registry-store';
import { parseRoutingPolicy, routingPolicyToPlain } from '@pimcp/router';
import { REGISTRY_STORE } from '../../config/registry-tokens';

/**
 * Routing policies for every gateway (docs/routing.md): validated with the router's own rules, stored in the
 * registry, and followed by each gateway's catalog watch within moments. A policy here replaces the gateway's YAML
 * one for the same capability.
 */
@Controller('v1/routing-policies')
export class RoutingPoliciesController {
  constructor(@Inject(REGISTRY_STORE) private readonly store: RegistryStore) {}

  @Get()
  async list(): Promise<{ policies: RoutingPolicyRecord[] }> {
    return { policies: await this.store.routingPolicies() };
  }

  @Put(':capability')
  @HttpCode(200)
  async set(@Param('capability') capability: string, @Body() body: unknown): Promise<{ capability: string; policy: Record<string, unknown>; revision: number }> {
    checkCapability(capability);
    // INVALID_REQUEST with every problem and its path, exactly as a gateway would reject it in YAML.
    const policy = routingPolicyToPlain(parseRoutingPolicy(body)) as Record<string, unknown>;
    return { capability, policy, revision: await this.store.setRoutingPolicy(capability, policy) };
  }

  @Delete(':capability')
  @HttpCode(200)
  async remove(@Param('capability') capability: string): Promise<{ capability: string; revision: number }> {
    checkCapability(capability);
    return { capability, revision: await this.store.setRoutingPolicy(capability, undefined) };
  }
}

function checkCapability(capability: string): void {
  if (capability !== '*' && !CAPABILITY_NAME_PATTERN.test(capability)) {
    throw new PimcpError(ErrorCode.InvalidRequest, `"${capability.slice(0, 100)}" is not a capability name (such as "file.search") or "*"`);
  }
}
