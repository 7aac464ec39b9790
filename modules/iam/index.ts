export * from './policy-statement';
export * from './ecs-tasks-trust';
export * from './github-oidc-trust';
export * from './task-execution-role';
export * from './task-role';
export * from './role';
export * from './deploy-role';
