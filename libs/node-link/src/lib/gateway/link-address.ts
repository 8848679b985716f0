import { ErrorCode, PimcpError } from '@pimcp/protocol';

export interface TcpLinkAddress {
  host: string;
  port: number;
}

/** Reads a `tcp://host:port` link address (a node the gateway dials; `redis://` goes through a broker instead). */
export function parseLinkAddress(linkAddress: string): TcpLinkAddress {
  let url: URL;
  try {
    url = new URL(linkAddress);
  } catch {
    throw new PimcpError(ErrorCode.NodeUnavailable, `link address "${linkAddress.slice(0, 300)}" is not a URL such as tcp://10.0.0.5:7600`);
  }
  if (url.protocol !== 'tcp:') {
    throw new PimcpError(ErrorCode.NodeUnavailable, `link address ${linkAddress} uses ${url.protocol}//; nodes are reached over tcp:// or redis://`);
  }
  const port = Number(url.port);
  if (!url.hostname || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new PimcpError(ErrorCode.NodeUnavailable, `link address ${linkAddress} needs a host and a port, e.g. tcp://10.0.0.5:7600`);
  }
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port };
}
