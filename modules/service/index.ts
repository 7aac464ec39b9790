export * from './service-base';
export * from './service-image';
export * from './service-platform';
export * from './service-spec';
export * from './service-spec-check';
