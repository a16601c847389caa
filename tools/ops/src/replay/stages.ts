import { z } from 'zod';
import { loadConfig } from '@ckt/config';
import { EXTRACTED_TABLES, FAMILIES, familyTopic, tableTopic } from '@ckt/domain';
import { DEFAULT_GROUP_IDS, topicNames, topicsEnv } from '@ckt/kafka';

const STAGES = ['router', 'extractor', 'sink', 'dlq-archiver', 'raw-archiver'] as const;
type Stage = (typeof STAGES)[number];

interface StageGroup {
  stage: Stage;
  group: string;
  /** What the stage reads. */
  topics: string[];
}

const settings = z.object({
  ...topicsEnv,
  ROUTER_GROUP_ID: z.string().default(DEFAULT_GROUP_IDS.router),
  EXTRACTOR_GROUP_ID: z.string().default(DEFAULT_GROUP_IDS.extractor),
  SINK_GROUP_ID: z.string().default(DEFAULT_GROUP_IDS.sink),
});

/** A stage's group and source topics, as the services name them with the same settings (TOPIC_*, *_GROUP_ID). */
export function stageGroup(stage: string, env: NodeJS.ProcessEnv = process.env): StageGroup {
  if (!(STAGES as readonly string[]).includes(stage)) throw new Error(`unknown stage ${stage}: expected one of ${STAGES.join(', ')}`);
  const cfg = loadConfig(settings, env);
  const names = topicNames(cfg);
  switch (stage as Stage) {
    case 'router':
      return { stage: 'router', group: cfg.ROUTER_GROUP_ID, topics: [names.raw] };
    case 'extractor':
      return { stage: 'extractor', group: cfg.EXTRACTOR_GROUP_ID, topics: FAMILIES.map((f) => familyTopic(names, f)) };
    case 'sink':
      return { stage: 'sink', group: cfg.SINK_GROUP_ID, topics: EXTRACTED_TABLES.map((t) => tableTopic(names, t)) };
    case 'dlq-archiver':
      return { stage: 'dlq-archiver', group: DEFAULT_GROUP_IDS.archiverOf(names.dlq), topics: [names.dlq] };
    case 'raw-archiver':
      return { stage: 'raw-archiver', group: DEFAULT_GROUP_IDS.rawArchiver, topics: [names.raw] };
  }
}
