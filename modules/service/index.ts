export * from './service-image';
export * from './service-spec';
