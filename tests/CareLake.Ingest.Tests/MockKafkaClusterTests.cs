using CareLake.Ingest.Kafka;
using Confluent.Kafka;

namespace CareLake.Ingest.Tests;

public class MockKafkaClusterTests
{
    [Fact]
    public async Task Speaks_the_kafka_protocol_on_loopback()
    {
        using var cluster = new MockKafkaCluster(brokers: 3);
        cluster.CreateTopic("topic-a", partitions: 6);
        Assert.Equal(3, cluster.BootstrapServers.Split(',').Length);

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build();
        var metadata = admin.GetMetadata("topic-a", TimeSpan.FromSeconds(10));
        Assert.Equal(3, metadata.Brokers.Count);
        Assert.Equal(6, metadata.Topics.Single().Partitions.Count);

        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build())
        {
            var report = await producer.ProduceAsync("topic-a", new Message<string, string> { Key = "k", Value = "v" });
            Assert.Equal(PersistenceStatus.Persisted, report.Status);
        }
    }
}
