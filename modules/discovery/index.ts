export * from './discovery-service';
export * from './private-dns-namespace';
