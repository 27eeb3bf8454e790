export * from './client';
export * from './connection';
export * from './endpoints';
export * from './errors';
export * from './http';
export * from './retry';
export * from './sse';
export * from './credentialProbe';
