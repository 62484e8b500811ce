export * from './common';
export * from './harness';
