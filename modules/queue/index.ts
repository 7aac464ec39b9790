export * from './redrive-operator-policy';
export * from './retry-queue';
