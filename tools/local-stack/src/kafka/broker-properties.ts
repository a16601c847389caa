/** Where one node of the local cluster listens (loopback only). */
export interface KafkaNodeAddress {
  id: number;
  /** Client listener (PLAINTEXT). */
  port: number;
  /** KRaft controller listener. */
  controllerPort: number;
}

/**
 * server.properties of one combined broker+controller node of a static KRaft quorum. A three-node cluster gets
 * production's durability settings (replication factor 3, min.insync.replicas 2); one node gets 1 and 1.
 */
export function brokerProperties(node: KafkaNodeAddress, cluster: readonly KafkaNodeAddress[], logDir: string): string {
  const replication = Math.min(3, cluster.length);
  const minIsr = replication >= 3 ? 2 : 1;
  const settings: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': node.id,
    'controller.quorum.voters': cluster.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(','),
    listeners: `PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${node.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': logDir,
    'num.partitions': 1,
    'default.replication.factor': replication,
    'min.insync.replicas': minIsr,
    'offsets.topic.replication.factor': replication,
    // Fewer than the default 50: the first group of a fresh cluster waits for these partitions to get leaders.
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.replication.factor': replication,
    'transaction.state.log.min.isr': minIsr,
    'transaction.state.log.num.partitions': 4,
    'share.coordinator.state.topic.replication.factor': replication,
    'share.coordinator.state.topic.min.isr': minIsr,
    // The default 3 s delays every first join of a group; nothing here waits for more members to arrive.
    'group.initial.rebalance.delay.ms': 0,
    // Every service creates the topics it uses (with their configs): a topic appearing by accident is a bug.
    'auto.create.topics.enable': 'false',
    'unclean.leader.election.enable': 'false',
    // A killed node is fenced (its partitions get new leaders) after 4 s instead of 9: faster failover locally.
    'broker.session.timeout.ms': 4000,
    'broker.heartbeat.interval.ms': 1000,
  };
  return `${Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}
