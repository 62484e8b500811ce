import type { RunningSimulator } from '../common';

/** Small HTTP helpers for the Klen specs: real requests against a running simulator. */
export interface KlenRequest {
  method?: string;
  /** API key sent as Bearer; `null` sends none. */
  key?: string | null;
  /** Sent as JSON unless it is already a string. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface KlenResponse {
  status: number;
  headers: Headers;
  body: any;
}

export function klenClient(sim: RunningSimulator) {
  const api = async (
    path: string,
    { method = 'GET', key = sim.apiKey, body, headers = {} }: KlenRequest = {},
  ): Promise<KlenResponse> => {
    const all: Record<string, string> = { ...headers };
    if (key !== null) all.authorization = `Bearer ${key}`;
    if (body !== undefined) all['content-type'] ??= 'application/json';
    const response = await fetch(`${sim.url}${path}`, {
      method,
      headers: all,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
  };
  /** POST to a `/__sim/*` control route. */
  const control = async (path: string, body?: unknown): Promise<any> => {
    const response = await fetch(`${sim.url}${path}`, {
      method: 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.json();
  };
  /** GET a `/__sim/*` inspection route. */
  const inspect = async (path: string): Promise<any> => (await fetch(`${sim.url}${path}`)).json();
  const createCall = (body: Record<string, unknown>, key?: string) =>
    api('/api/v1/calls', { method: 'POST', body, key });
  const dialed = async (): Promise<any[]> => (await inspect('/__sim/calls')).calls;
  return { api, control, inspect, createCall, dialed };
}
