export * from './policy-statement';
export * from './task-execution-role';
export * from './task-role';
export * from './role';
export * from './deploy-role';
