using System.Text.Json.Nodes;
using CareLake.Core.Configuration;
using CareLake.Ingest.Kafka;
using CareLake.Testing;
using CareLake.Warehouse.Operations;
using Confluent.Kafka;
using Npgsql;

namespace CareLake.Alerting.Tests;

public class KafkaAndRestartTests
{
    [Fact]
    public async Task Alerts_and_pipeline_events_are_read_back_from_their_topics_keyed_by_alert_id()
    {
        await using var dataSource = NpgsqlDataSource.Create(await TestDatabase.CreateAsync("alerts_kafka"));
        using var kafka = new MockKafkaCluster();
        var clinical = await AlertRows.ClinicalAsync(dataSource, "MRN0042", DateTimeOffset.UtcNow);
        var operational = await AlertRows.OperationalAsync(dataSource, "task_failed:gold.fact_encounter");
        await OperationalEvents.RecordAsync(dataSource, new PipelineEvent("run-1", "gold.fact_encounter", "succeeded", 1200, 340));
        using var publisher = new KafkaAlertPublisher(kafka.BootstrapServers);
        await using var dispatcher = new AlertDispatcher(dataSource, new AlertOptions(), publisher);

        await dispatcher.RunUntilIdleAsync(CancellationToken.None);

        var alerts = Consume(kafka.BootstrapServers, "carelake.alerts", 2);
        var byKey = alerts.ToDictionary(m => m.Key, m => m.Value);
        var c = byKey[$"clinical-{clinical}"];
        Assert.Equal($"clinical-{clinical}", c["alert_id"]!.GetValue<string>());
        Assert.Equal("news2_high", c["kind"]!.GetValue<string>());
        Assert.Equal("critical", c["severity"]!.GetValue<string>());
        Assert.Equal("MRN0042", c["patient_id"]!.GetValue<string>());
        Assert.NotNull(c["raised_at"]);
        Assert.NotNull(c["reason"]);
        Assert.Equal(clinical, c["source"]!["id"]!.GetValue<long>());
        var o = byKey[$"operational-{operational}"];
        Assert.Null(o["patient_id"]);
        Assert.Equal("ops.task_runs", o["source"]!["table"]!.GetValue<string>());

        var events = Consume(kafka.BootstrapServers, "carelake.pipeline_events", 1);
        var e = Assert.Single(events).Value;
        Assert.Equal("run_succeeded", e["kind"]!.GetValue<string>());
        Assert.Equal("gold.fact_encounter", e["stage"]!.GetValue<string>());
        Assert.Equal(1200, e["rows"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_dispatcher_that_dies_after_sending_repeats_only_the_pass_in_flight_after_a_restart()
    {
        await using var dataSource = NpgsqlDataSource.Create(await TestDatabase.CreateAsync("alerts_restart"));
        using var kafka = new MockKafkaCluster();
        await using var receiver = new WebhookReceiver();
        var options = new AlertOptions { Webhooks = [new WebhookRoute { Name = "ops", Url = receiver.Url }] };
        using var real = new KafkaAlertPublisher(kafka.BootstrapServers);
        var earlier = new List<long>();
        for (var i = 0; i < 3; i++) earlier.Add(await AlertRows.OperationalAsync(dataSource, $"task_failed:m{i}"));
        await using (var first = new AlertDispatcher(dataSource, options, real, holder: "first"))
        {
            await first.RunUntilIdleAsync(CancellationToken.None);
        }

        // The next pass dies right after the broker acknowledged its messages, before their deliveries were recorded.
        var inFlight = new List<long>();
        for (var i = 3; i < 5; i++) inFlight.Add(await AlertRows.OperationalAsync(dataSource, $"task_failed:m{i}"));
        using var dying = new DyingPublisher(real, dieAfter: 1);
        await using (var second = new AlertDispatcher(dataSource, options, dying, holder: "second"))
        {
            await Assert.ThrowsAsync<DispatcherDiedException>(() => second.RunUntilIdleAsync(CancellationToken.None));
        }

        await using var third = new AlertDispatcher(dataSource, options, real, holder: "third");
        await third.RunUntilIdleAsync(CancellationToken.None);

        var counts = Consume(kafka.BootstrapServers, "carelake.alerts", 7).GroupBy(m => m.Key).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(earlier, id => Assert.Equal(1, counts[$"operational-{id}"]));       // delivered passes never repeat
        Assert.All(inFlight, id => Assert.InRange(counts[$"operational-{id}"], 1, 2));  // the pass in flight: at least once
        Assert.Equal(5, counts.Count);
        // Webhooks go out beside Kafka, so the pass in flight may have posted them too: again at least once, earlier never twice.
        var posted = receiver.Accepted.GroupBy(b => b["alert_id"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(earlier, id => Assert.Equal(1, posted[$"operational-{id}"]));
        Assert.All(inFlight, id => Assert.InRange(posted[$"operational-{id}"], 1, 2));
        Assert.Equal(5, posted.Count);
    }

    [Fact]
    public async Task Two_dispatchers_on_one_warehouse_deliver_each_alert_once()
    {
        await using var dataSource = NpgsqlDataSource.Create(await TestDatabase.CreateAsync("alerts_two_dispatchers"));
        await using var receiver = new WebhookReceiver();
        var options = new AlertOptions { Kafka = false, PollIntervalMs = 100, LeaseSeconds = 5, RateLimitPerWindow = 1000, Webhooks = [new WebhookRoute { Name = "ops", Url = receiver.Url }] };
        await using var a = new AlertDispatcher(dataSource, options, null, holder: "a");
        await using var b = new AlertDispatcher(dataSource, options, null, holder: "b");
        using var stop = new CancellationTokenSource();
        var runs = new[] { a.RunAsync(stop.Token), b.RunAsync(stop.Token) };

        for (var i = 0; i < 30; i++) await AlertRows.OperationalAsync(dataSource, $"task_failed:n{i}");
        await AlertRows.EventuallyAsync(async () => await AlertRows.CountAsync(dataSource, "SELECT count(*) FROM ops.alert_deliveries WHERE channel = '*'") == 30, "30 alerts handled");
        await stop.CancelAsync();
        await Task.WhenAll(runs);

        Assert.Equal(30, receiver.Accepted.Count);
        Assert.Equal(30, receiver.Accepted.Select(x => x["alert_id"]!.GetValue<string>()).Distinct().Count());
        Assert.Equal(30, a.Statistics.Handled + b.Statistics.Handled);
    }

    [Fact]
    public async Task A_commit_wakes_the_dispatcher_long_before_its_next_poll()
    {
        await using var dataSource = NpgsqlDataSource.Create(await TestDatabase.CreateAsync("alerts_notify"));
        await using var receiver = new WebhookReceiver();
        var options = new AlertOptions { Kafka = false, PollIntervalMs = 60_000, Webhooks = [new WebhookRoute { Name = "ward", Url = receiver.Url }] };
        await using var dispatcher = new AlertDispatcher(dataSource, options, null);
        using var stop = new CancellationTokenSource();
        var run = dispatcher.RunAsync(stop.Token);
        await AlertRows.EventuallyAsync(() => Task.FromResult(dispatcher.HoldsLease), "the lease");
        await Task.Delay(200); // let the first pass finish and the dispatcher wait on its 60 s poll

        await AlertRows.ClinicalAsync(dataSource, "MRN7", DateTimeOffset.UtcNow);
        // Within the poll interval only if the NOTIFY at commit woke it; generous for a loaded machine.
        await AlertRows.EventuallyAsync(() => Task.FromResult(!receiver.Accepted.IsEmpty), "the alert at the webhook", seconds: 45);
        await stop.CancelAsync();
        await run;
    }

    private static List<(string Key, JsonObject Value)> Consume(string bootstrap, string topic, int expected)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var messages = new List<(string, JsonObject)>();
        var until = DateTime.UtcNow.AddSeconds(60);
        while (messages.Count < expected && DateTime.UtcNow < until)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result?.Message is { } m) messages.Add((m.Key, (JsonObject)JsonNode.Parse(m.Value)!));
        }

        // Anything beyond what was expected shows up here too (a short extra read).
        var extraUntil = DateTime.UtcNow.AddSeconds(2);
        while (DateTime.UtcNow < extraUntil)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message is { } m) messages.Add((m.Key, (JsonObject)JsonNode.Parse(m.Value)!));
        }

        consumer.Close();
        return messages;
    }

    private sealed class DispatcherDiedException : Exception
    {
        public DispatcherDiedException() : base("died") { }
    }

    private sealed class DyingPublisher(IAlertPublisher inner, int dieAfter) : IAlertPublisher
    {
        private int _published;

        public async Task PublishAsync(string topic, string key, JsonObject message, CancellationToken cancellationToken)
        {
            await inner.PublishAsync(topic, key, message, cancellationToken);
            if (Interlocked.Increment(ref _published) >= dieAfter) throw new DispatcherDiedException();
        }

        public void Dispose() { }
    }
}
