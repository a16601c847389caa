export { startService, type RunningService, type ServiceContext, type ServiceDefinition, type ServiceParts, type ServiceSettings } from './service-runtime.ts';
export { startStageService, type StageService, type StageServiceOptions } from './stage-service.ts';
