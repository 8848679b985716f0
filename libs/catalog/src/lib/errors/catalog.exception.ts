/** Local errors of the catalog cache (they never cross the wire; the gateway maps what it must). */
export enum CatalogErrorCode {
  NotStarted = 'CATALOG_NOT_STARTED',
  AlreadyStarted = 'CATALOG_ALREADY_STARTED',
  Stopped = 'CATALOG_STOPPED',
  RevisionTimeout = 'CATALOG_REVISION_TIMEOUT',
}

// A revision the cache has not reached yet may arrive later; every other code is a wiring mistake.
const RETRYABLE = {
  [CatalogErrorCode.NotStarted]: false,
  [CatalogErrorCode.AlreadyStarted]: false,
  [CatalogErrorCode.Stopped]: false,
  [CatalogErrorCode.RevisionTimeout]: true,
} satisfies Record<CatalogErrorCode, boolean>;

export class CatalogException extends Error {
  readonly retryable: boolean;

  constructor(
    readonly code: CatalogErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = CatalogException.name;
    this.retryable = RETRYABLE[code];
  }
}
