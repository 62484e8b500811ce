/** What the auth guard attaches to a request once its key is verified. */
export interface AuthenticatedKey {
  id: string;
  scopes: string[];
  /** Identifies the key's rate budget: derived from its hash, so it is the same on every instance. */
  rateKey: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    apiKey?: AuthenticatedKey;
  }
}
