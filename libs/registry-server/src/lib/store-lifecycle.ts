import type { OnApplicationShutdown } from '@nestjs/common';
import type { RegistryStore } from '@pimcp/registry-store';

/** Closes the store at shutdown when this module created it (a shared store belongs to its creator). */
export class StoreLifecycle implements OnApplicationShutdown {
  constructor(private readonly owned: RegistryStore | undefined) {}

  async onApplicationShutdown(): Promise<void> {
    await this.owned?.close();
  }
}
