import { CAPABILITY_NAME_PATTERN, ErrorCode, manifestLimits, NODE_ID_PATTERN, PimcpError } from '@pimcp/protocol';

const HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;

/** An operator's decision on one pending definition change. */
export class ReviewDefinitionCommand {
  private constructor(readonly nodeId: string, readonly name: string, readonly approve: boolean, readonly expectedHash?: string) {}

  static create(nodeId: string, name: string, approve: boolean, expectedHash?: string): ReviewDefinitionCommand {
    if (!NODE_ID_PATTERN.test(nodeId)) throw new PimcpError(ErrorCode.InvalidRequest, 'nodeId must be a node id such as "pi-kitchen-1"');
    if (name.length > manifestLimits.capabilityNameMaxLength || !CAPABILITY_NAME_PATTERN.test(name)) {
      throw new PimcpError(ErrorCode.InvalidRequest, `"${name.slice(0, 80)}" is not a capability name; use lowercase dotted names such as file.search`);
    }
    if (expectedHash !== undefined && !HASH_PATTERN.test(expectedHash)) {
      throw new PimcpError(ErrorCode.InvalidRequest,
        'hash must be the proposed definition hash shown by GET /v1/definitions/pending ("sha256:" and 64 hex digits)');
    }
    return new ReviewDefinitionCommand(nodeId, name, approve, expectedHash);
  }
}
