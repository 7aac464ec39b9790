export * from './call-path-budget';
export * from './retry-backoff';
export * from './retry-events';
export * from './retry-policy';
export * from './retry-schedule';
