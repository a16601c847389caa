/** What `npm start` writes to <DATA_DIR>/pipeline.json, for operators, `npm run query` and tests. */
export interface PipelineState {
  pid: number;
  dataDir: string;
  bridgeUrl: string;
  sinkQueryUrl: string;
  archiveUrl: string;
  env: Record<string, string>;
  services: Record<string, { pid?: number; metricsUrl: string; restarts: number }>;
}
