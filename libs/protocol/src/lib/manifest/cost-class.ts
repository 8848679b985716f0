/** How expensive a capability is to run; the router weighs it against a node's tier. */
export const COST_CLASSES = ['light', 'standard', 'heavy'] as const;
export type CostClass = (typeof COST_CLASSES)[number];
