import type { HttpRequest, HttpResponse, HttpTransport } from '@switchboard/core';
import { TransportError } from '@switchboard/core';
import type { RequestTiming, TimingTagged } from '../common/timing/request-timing';
import { REQUEST_TIMING as TIMING } from '../common/timing/request-timing';

type TimedRequest = HttpRequest & TimingTagged;

/**
 * The transport one request's adapter view sends through: each vendor request carries that
 * request's timing down the shared chain (budget, circuit, health pass the request object on
 * as it is) to `timedTransport`, innermost.
 */
export function forRequest(transport: HttpTransport, timing: RequestTiming): HttpTransport {
  return {
    request(request: HttpRequest): Promise<HttpResponse> {
      return transport.request({ ...request, [TIMING]: timing } as TimedRequest);
    },
  };
}

/** The timing of the request a vendor request is sent for (`forRequest`), if any. */
export function requestTimingOf(request: HttpRequest): RequestTiming | undefined {
  return (request as TimedRequest)[TIMING];
}

/**
 * Counts a vendor request's duration as vendor time of the HTTP request it runs for, and
 * marks that request as having reached a vendor. A refused connection never reached it
 * (its time still counts as vendor time: it was spent on the network, not in the gateway);
 * a timeout or reset after the request was written did. Innermost around the raw transport,
 * so only time on the wire counts, not the health bookkeeping around it.
 */
export function timedTransport(transport: HttpTransport): HttpTransport {
  return {
    request(request: HttpRequest): Promise<HttpResponse> {
      const timing = requestTimingOf(request);
      if (!timing) return transport.request(request);
      return timing.measure('vendor', async () => {
        try {
          const response = await transport.request(request);
          timing.markVendorReached();
          return response;
        } catch (e) {
          if (e instanceof TransportError && e.sent) timing.markVendorReached();
          throw e;
        }
      });
    },
  };
}
