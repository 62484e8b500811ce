export * from './poll-until';
export * from './webhook-receiver';
