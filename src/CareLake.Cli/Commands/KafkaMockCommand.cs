using System.CommandLine;
using CareLake.Core.Contracts;
using CareLake.Ingest.Kafka;

namespace CareLake.Cli.Commands;

/// <summary><c>carelake kafka-mock</c>: librdkafka's mock Kafka cluster, for trying the streaming path without a broker.</summary>
public static class KafkaMockCommand
{
    public static Command Create()
    {
        var brokers = new Option<int>("--brokers") { Description = "Number of brokers. Default 3.", DefaultValueFactory = _ => 3 };
        var partitions = new Option<int>("--partitions")
        {
            Description = "Partitions of each contract topic, created up front. The mock broker keeps only 5 MB and 100,000 messages per partition. Default 16.",
            DefaultValueFactory = _ => 16,
        };
        var command = new Command("kafka-mock",
            "Run librdkafka's mock Kafka cluster (real Kafka protocol on loopback, in memory) until stopped, with the contract topics created. " +
            "Prints the bootstrap servers to use as CARELAKE_KAFKA_BOOTSTRAP. For trying and testing only: it keeps nothing on disk.")
        {
            brokers, partitions,
        };
        command.SetAction(async (context, parseResult) =>
        {
            using var cluster = new MockKafkaCluster(parseResult.GetValue(brokers));
            foreach (var topic in Topics.Inbound) cluster.CreateTopic(topic, parseResult.GetValue(partitions));
            Console.WriteLine(cluster.BootstrapServers);
            CliContext.Log($"mock Kafka cluster up with topics {string.Join(", ", Topics.Inbound)}; export CARELAKE_KAFKA_BOOTSTRAP={cluster.BootstrapServers}; Ctrl+C stops it");
            try
            {
                await Task.Delay(Timeout.Infinite, context.Stopping);
            }
            catch (OperationCanceledException)
            {
            }

            return 0;
        });
        return command;
    }
}
