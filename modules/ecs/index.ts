export * from './app-secret';
export * from './cluster';
export * from './container-definition';
export * from './container-health-check';
export * from './fargate-service';
export * from './fargate-sizes';
export * from './task-size';
