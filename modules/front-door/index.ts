export * from './access-logs';
export * from './client-trust-store';
export * from './front-door';
export * from './front-door-certificate';
export * from './front-door-timeouts';
export * from './front-door-web-acl';
export * from './pem-object';
export * from './private-bucket';
