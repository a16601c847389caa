export { startRouter, type RouterService } from './router.ts';
export { routerSchema } from './config.ts';
