export * from './common';
export * from './registry';
