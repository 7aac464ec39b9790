export * from './metric-source';
export * from './queue-backlog-metric';
export * from './scaler-owns-desired-count';
export * from './scaling-budget';
export * from './scaling-policy';
export * from './service-scaling';
export * from './service-scaling-check';
export * from './service-scaling-spec';
