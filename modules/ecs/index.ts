export * from './cluster';
export * from './container-definition';
export * from './envoy-image';
export * from './fargate-service';
export * from './fargate-sizes';
export * from './meshed-task-definition';
export * from './task-size';
