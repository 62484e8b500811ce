export * from './common';
export * from './harness';
export * from './magic-numbers';
