export * from './service-security-group';
export * from './service-port-rules';
