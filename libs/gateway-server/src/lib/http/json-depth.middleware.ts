import type { RequestHandler } from 'express';

/** Deepest JSON nesting accepted: far beyond any real tool arguments, far below what blows a parser's stack. */
export const MAX_JSON_DEPTH = 64;

/**
 * Refuses deeply nested bodies with 400 before they reach the SDK, whose recursive validation would overflow the
 * stack (a 500) on a few thousand levels. Walks the parsed body iteratively, so the check itself cannot overflow.
 */
export function jsonDepthLimit(maxDepth = MAX_JSON_DEPTH): RequestHandler {
  return (req, res, next) => {
    if (depthExceeds(req.body, maxDepth)) {
      res.status(400).json({ jsonrpc: '2.0', id: null, error: { code: -32600, message: `Invalid request: JSON nested deeper than ${maxDepth} levels; flatten the arguments` } });
      return;
    }
    next();
  };
}

export function depthExceeds(value: unknown, maxDepth: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    if (depth >= maxDepth) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
