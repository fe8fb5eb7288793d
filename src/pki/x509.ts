// @peculiar/x509 2 resolves its algorithms through tsyringe, which needs a Reflect metadata polyfill
// loaded before it; every lab module reaches the library through this file so the order holds.
import 'reflect-metadata';

export * from '@peculiar/x509';
