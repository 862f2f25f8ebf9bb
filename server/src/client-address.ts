import type { IncomingMessage } from "node:http";
import proxyaddr from "proxy-addr";

/**
 * The client's address, for login throttling and per-address limits. X-Forwarded-For is
 * believed only as far as it was written by a configured proxy (TRUSTED_PROXIES): anyone can
 * send the header, and behind a proxy every client would otherwise share the proxy's address.
 */
export function clientAddressResolver(trustedProxies: string[]): (request: IncomingMessage) => string {
  const trust = proxyaddr.compile(trustedProxies);
  return (request) => {
    if (!request.socket.remoteAddress) return "unknown";
    return trustedProxies.length === 0 ? request.socket.remoteAddress : proxyaddr(request, trust);
  };
}
