using System.Diagnostics;
using System.Text.Json;
using CareLake.Ingest.Kafka;
using CareLake.Streaming.Streaming;
using CareLake.Testing;
using CareLake.Warehouse.Silver;
using CareLake.Web;
using Confluent.Kafka;
using Npgsql;

namespace CareLake.Dashboard.Tests;

/// <summary>The Kafka part of the Operations view and /metrics against librdkafka's mock cluster, and against a broker that is not there.</summary>
public sealed class OperationsKafkaTests
{
    [Fact]
    public async Task End_offsets_and_lag_match_what_was_produced_and_committed()
    {
        using var kafka = new MockKafkaCluster();
        kafka.CreateTopic("patient_vitals", 3);
        Produce(kafka.BootstrapServers, "patient_vitals", new Dictionary<int, int> { [0] = 5, [1] = 7, [2] = 0 });
        await using var server = await ServerAsync(nameof(End_offsets_and_lag_match_what_was_produced_and_committed), kafka.BootstrapServers);

        var table = ApiTable.Parse(await server.Client.GetStringAsync("/v1/operations/kafka"));
        string Row(int i) => string.Join('|', table.Rows[i].Select(v => v.ValueKind == JsonValueKind.Null ? "null" : v.ToString()));
        var rows = Enumerable.Range(0, table.Rows.Count).ToDictionary(i => $"{table.Rows[i][0].GetString()}/{table.Rows[i][1].GetInt32()}", i => table.Rows[i]);
        string Cells(string key, params string[] columns) =>
            string.Join('|', columns.Select(c => rows[key][table.Index(c)] is var v && v.ValueKind == JsonValueKind.Null ? "null" : v.ToString()));
        const string columns = "start_offset,end_offset,committed_position,lag,broker";
        Assert.Equal("0|5|3|2|reachable", Cells("patient_vitals/0", columns.Split(',')));
        Assert.Equal("0|7|7|0|reachable", Cells("patient_vitals/1", columns.Split(',')));
        Assert.Equal("0|0|null|0|reachable", Cells("patient_vitals/2", columns.Split(',')));
        Assert.Equal("null|null|10|null|reachable", Cells("retired_topic/0", columns.Split(','))); // committed once, gone from the broker
        Assert.Equal("worker-a", rows["patient_vitals/0"][table.Index("updated_by")].GetString());
        Assert.True(rows["patient_vitals/0"][table.Index("leader")].ValueKind == JsonValueKind.Number, Row(0));

        using var broker = JsonDocument.Parse(await server.Client.GetStringAsync("/v1/operations/kafka/broker"));
        Assert.Equal("reachable", broker.RootElement.GetProperty("status").GetString());
        Assert.Equal(3, broker.RootElement.GetProperty("brokers").GetInt32());

        var metrics = MetricsText.Parse(await server.Client.GetStringAsync("/metrics"));
        Assert.Equal(1, metrics.Value("carelake_kafka_broker_up"));
        Assert.Equal(5, metrics.Value("carelake_kafka_end_offset", ("topic", "patient_vitals"), ("partition", "0")));
        Assert.Equal(2, metrics.Value("carelake_kafka_lag", ("topic", "patient_vitals"), ("partition", "0")));
        Assert.Equal(0, metrics.Value("carelake_kafka_lag", ("topic", "patient_vitals"), ("partition", "1")));
        Assert.Equal(3, metrics.Value("carelake_source_position", ("source", "kafka"), ("stream", "patient_vitals"), ("partition", "0")));
        Assert.Equal(2, metrics.Value("carelake_quarantine_records", ("reason", "out_of_range")));
        Assert.Equal(1, metrics.Value("carelake_quarantine_records", ("reason", "missing_field")));
    }

    [Fact]
    public async Task A_dead_broker_is_reported_unreachable_and_the_positions_are_still_answered()
    {
        await using var server = await ServerAsync(nameof(A_dead_broker_is_reported_unreachable_and_the_positions_are_still_answered), "127.0.0.1:1");
        var watch = Stopwatch.StartNew();
        using var response = await server.Client.GetAsync("/v1/operations/kafka");
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"answered after {watch.Elapsed}");
        var table = ApiTable.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(3, table.Rows.Count); // the three committed positions
        Assert.All(table.Rows, r => Assert.Equal("unreachable", r[table.Index("broker")].GetString()));
        Assert.All(table.Rows, r => Assert.Equal(JsonValueKind.Null, r[table.Index("end_offset")].ValueKind));
        Assert.Equal([3L, 7L, 10L], table.Column("committed_position").Select(v => v.GetInt64()));

        using var broker = JsonDocument.Parse(await server.Client.GetStringAsync("/v1/operations/kafka/broker"));
        Assert.Equal("unreachable", broker.RootElement.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(broker.RootElement.GetProperty("error").GetString()));

        var metrics = MetricsText.Parse(await server.Client.GetStringAsync("/metrics"));
        Assert.Equal(0, metrics.Value("carelake_kafka_broker_up"));
        Assert.False(metrics.Has("carelake_kafka_lag"));
    }

    private static void Produce(string bootstrap, string topic, Dictionary<int, int> perPartition)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = bootstrap }).Build();
        foreach (var (partition, count) in perPartition)
        {
            for (var i = 0; i < count; i++) producer.Produce(new TopicPartition(topic, partition), new Message<Null, string> { Value = $"m{i}" });
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    private static async Task<TestServer> ServerAsync(string name, string bootstrap)
    {
        var cs = await TestDatabase.CreateAsync(name);
        await using (var connection = new NpgsqlConnection(cs))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                INSERT INTO ingest.source_positions (source, stream, partition, next_position, updated_by) VALUES
                  ('kafka', 'patient_vitals', 0, 3, 'worker-a'), ('kafka', 'patient_vitals', 1, 7, 'worker-a'), ('kafka', 'retired_topic', 0, 10, 'worker-b'),
                  ('generator', 'patient_vitals', 0, 99, 'feed');
                INSERT INTO silver.quarantine (bronze_id, stream, reason_code, message, quarantined_at) VALUES
                  (1, 'patient_vitals', 'out_of_range', 'heart rate 900', now()), (2, 'patient_vitals', 'out_of_range', 'spo2 140', now()),
                  (3, 'hl7', 'missing_field', 'PID-3', now());
                """, connection);
            await command.ExecuteNonQueryAsync();
        }

        var dataSource = NpgsqlDataSource.Create(cs);
        var pipeline = new PipelineContext(dataSource, SilverStages.All(), TimeProvider.System, _ => { });
        var server = await CareLakeServer.StartAsync(new WebServerSettings(Port: 0, KafkaBootstrap: bootstrap), pipeline, "ops-kafka-test");
        return new TestServer(server, dataSource, new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(1) });
    }

    private sealed record TestServer(CareLakeServer Server, NpgsqlDataSource DataSource, HttpClient Client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Server.DisposeAsync();
            await DataSource.DisposeAsync();
        }
    }
}
