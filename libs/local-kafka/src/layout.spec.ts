import { clusterLayout, serverProperties } from './layout';

describe('local Kafka layout', () => {
  it('runs one combined node on 9092 with replication settings for a single broker', () => {
    const layout = clusterLayout({ nodes: 1, home: '/h' });
    expect(layout.bootstrap).toEqual(['127.0.0.1:9092']);
    const props = serverProperties(layout, layout.nodes[0]!);
    expect(props).toContain('process.roles=broker,controller');
    expect(props).toContain('controller.quorum.voters=1@127.0.0.1:9093');
    expect(props).toContain('offsets.topic.replication.factor=1');
    expect(props).toContain('min.insync.replicas=1');
    expect(props).toContain('log.dirs=/h/kafka/single/node-1/data');
  });

  it('runs three nodes on 19092/29092/39092 with RF 3 and min.insync.replicas 2', () => {
    const layout = clusterLayout({ nodes: 3, home: '/h' });
    expect(layout.bootstrap).toEqual(['127.0.0.1:19092', '127.0.0.1:29092', '127.0.0.1:39092']);
    const props = serverProperties(layout, layout.nodes[1]!);
    expect(props).toContain('node.id=2');
    expect(props).toContain('controller.quorum.voters=1@127.0.0.1:19093,2@127.0.0.1:29093,3@127.0.0.1:39093');
    expect(props).toContain('listeners=PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093');
    expect(props).toContain('default.replication.factor=3');
    expect(props).toContain('min.insync.replicas=2');
    expect(props).toContain('transaction.state.log.min.isr=2');
  });

  it('runs a secure cluster beside the plaintext one: own folder and ports, SASL_SSL only', () => {
    const layout = clusterLayout({ nodes: 1, home: '/h', secure: true });
    expect(layout.bootstrap).toEqual(['127.0.0.1:9192']);
    expect(layout.stateDir).toBe('/h/kafka/secure');
    expect(layout.secure?.caFile).toBe('/h/kafka/secure/tls/ca.pem');
    const props = serverProperties(layout, layout.nodes[0]!, { user: 'user-pw', broker: 'broker-pw' });
    expect(props).toContain('listeners=SASL_SSL://127.0.0.1:9192,CONTROLLER://127.0.0.1:9193');
    expect(props).toContain('advertised.listeners=SASL_SSL://127.0.0.1:9192');
    expect(props).not.toContain('PLAINTEXT://');
    expect(props).toContain('sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN');
    expect(props).toContain('ssl.keystore.location=/h/kafka/secure/tls/broker.pem');
    expect(props).toContain('user_herald="user-pw"');
    expect(() => serverProperties(layout, layout.nodes[0]!)).toThrow('passwords');
    expect(clusterLayout({ nodes: 3, home: '/h', secure: true }).bootstrap).toEqual([
      '127.0.0.1:19192',
      '127.0.0.1:29192',
      '127.0.0.1:39192',
    ]);
  });

  it('rejects a port list that does not match the node count', () => {
    expect(() => clusterLayout({ nodes: 3, ports: [1, 2] })).toThrow('expected 3 ports, got 2');
  });
});
