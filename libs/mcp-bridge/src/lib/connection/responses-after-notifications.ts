import { isJSONRPCResponse, type Transport } from '@modelcontextprotocol/client';

/**
 * Works around an SDK client race (modelcontextprotocol/typescript-sdk#2580, open in client 2.4.0): the client runs
 * notification handlers one microtask late but settles responses at once, so when a server's last
 * `notifications/progress` and its result arrive together (one stdio read, one SSE chunk) the response retires the
 * progress handler first and that progress is dropped as "unknown token". Delivering each response one microtask
 * later keeps wire order: handlers of notifications read before it run first. Call after `client.connect`.
 */
export function deliverResponsesAfterNotifications(transport: Transport): void {
  const dispatch = transport.onmessage;
  if (!dispatch) throw new Error('deliverResponsesAfterNotifications needs a connected transport (call it after client.connect)');
  transport.onmessage = (message, extra) => {
    if (isJSONRPCResponse(message)) queueMicrotask(() => dispatch(message, extra));
    else dispatch(message, extra);
  };
}
