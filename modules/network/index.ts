export * from './mesh-security-group';
export * from './service-port-rules';
