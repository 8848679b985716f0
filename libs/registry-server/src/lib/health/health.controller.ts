import { Controller, Get, Inject } from '@nestjs/common';
import type { RegistryStore } from '@pimcp/registry-store';
import { REGISTRY_STORE } from '../config/registry-tokens';

/** Liveness says the process serves HTTP; readiness says the store answers. */
@Controller('health')
export class HealthController {
  constructor(@Inject(REGISTRY_STORE) private readonly store: RegistryStore) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(): Promise<{ status: 'ok'; revision: number }> {
    const { revision } = await this.store.snapshot();
    return { status: 'ok', revision };
  }
}
