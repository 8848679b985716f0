/** Bounds on what one node may register; exceeding any is an INVALID_MANIFEST error. */
export const manifestLimits = {
  nodeIdMaxLength: 63,
  // One etcd transaction holds a whole registration: ~2 ops per capability under etcd's default --max-txn-ops of 128.
  capabilitiesPerNode: 60,
  capabilityNameMaxLength: 64,
  descriptionMaxLength: 4096,
  titleMaxLength: 128,
  schemaMaxBytes: 64 * 1024,
  labelsPerNode: 32,
  labelKeyMaxLength: 63,
  labelValueMaxLength: 63,
  linkAddressMaxLength: 256,
  // Resources, templates and prompts ride on the node record (one etcd value), so they are bounded too.
  resourcesPerNode: 200,
  resourceTemplatesPerNode: 50,
  promptsPerNode: 100,
  promptArgumentsMax: 32,
  uriMaxLength: 2048,
  offeringNameMaxLength: 128,
  mimeTypeMaxLength: 128,
} as const;

/** DNS-label shaped so `<node-id>.<tool>` aliases stay unambiguous (no dots in node ids). */
export const NODE_ID_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** Dotted lowercase segments, e.g. `file.search`, `db.query`. */
export const CAPABILITY_NAME_PATTERN = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/;
export const LABEL_KEY_PATTERN = /^[a-zA-Z0-9]([a-zA-Z0-9._/-]*[a-zA-Z0-9])?$/;
export const LABEL_VALUE_PATTERN = /^[a-zA-Z0-9._:/-]*$/;
export const SEMVER_PATTERN = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/;
/** An absolute URI (or URI template): a scheme, a colon, then anything but whitespace. */
export const RESOURCE_URI_PATTERN = /^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/;
export const PROMPT_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
export const LINK_ADDRESS_PATTERN = /^(tcp|tls|redis|rediss):\/\/[^\s/]+(\/[^\s]*)?$/;
