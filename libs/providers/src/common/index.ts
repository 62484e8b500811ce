export * from './axios-transport';
export * from './vendor-request';
export * from './vendor-text';
