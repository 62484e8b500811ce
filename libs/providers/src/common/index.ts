export * from './axios-transport';
export * from './vendor-request';
