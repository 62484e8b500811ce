export * from './axios-transport';
export * from './undici-transport';
export * from './vendor-errors';
export * from './vendor-request';
export * from './vendor-text';
export * from './vendor-error-mapper';
