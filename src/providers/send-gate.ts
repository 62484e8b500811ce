import type { HttpRequest, HttpResponse, HttpTransport } from '@switchboard/core';

const GATE = Symbol('SEND_GATE');

type GatedRequest = HttpRequest & { [GATE]?: Promise<unknown> };

/**
 * A view of a connection's transport whose requests are held until `gate` resolves and never
 * sent if it rejects. A create prepares its vendor request, and takes its rate budget, while
 * its call's row is being written; the gate is that write, so nothing is dialed before the
 * call is stored (a retry must find it) and a failed write dials nothing.
 */
export function waitingFor(transport: HttpTransport, gate: Promise<unknown>): HttpTransport {
  return {
    request(request: HttpRequest): Promise<HttpResponse> {
      return transport.request({ ...request, [GATE]: gate } as GatedRequest);
    },
  };
}

/**
 * Where a held request waits, in each connection's chain (AdapterCache): below the rate
 * budget, so the budget is taken while the row is written (a request whose write then fails
 * has spent it: the count errs towards sending less), and above the circuit, the health
 * figures and the vendor timing, so a held request is not yet a vendor request to any of them
 * and one never sent is not counted as the vendor's failure.
 */
export function sendGate(transport: HttpTransport): HttpTransport {
  return {
    request(request: HttpRequest): Promise<HttpResponse> {
      const gate = (request as GatedRequest)[GATE];
      return gate ? gate.then(() => transport.request(request)) : transport.request(request);
    },
  };
}
