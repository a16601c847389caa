export { startService, type RunningService, type ServiceParts } from './service-runtime.ts';
export { startStageService, type StageService } from './stage-service.ts';
