export * from './sim-clock';
export * from './scenario';
export * from './magic-numbers';
export * from './lifecycle';
export * from './faults';
export * from './rate-limiter';
export * from './webhook-sender';
export * from './simulator';
