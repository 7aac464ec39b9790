export * from './alarm-topic';
export * from './dead-letter-alarm';
export * from './failure-rate-alarm';
