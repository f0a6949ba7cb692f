using CareLake.Core.Configuration;
using CareLake.Testing;
using Npgsql;

namespace CareLake.Alerting.Tests;

public class DedupeAndRateLimitTests
{
    [Fact]
    public async Task A_repeat_within_the_window_is_suppressed_and_one_after_it_is_delivered()
    {
        await using var dataSource = NpgsqlDataSource.Create(await TestDatabase.CreateAsync("alerts_dedupe"));
        await using var receiver = new WebhookReceiver();
        var t0 = new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
        var first = await AlertRows.ClinicalAsync(dataSource, "MRN1", t0);
        var repeat = await AlertRows.ClinicalAsync(dataSource, "MRN1", t0.AddMinutes(3));
        var otherPatient = await AlertRows.ClinicalAsync(dataSource, "MRN2", t0.AddMinutes(3));
        var otherSeverity = await AlertRows.ClinicalAsync(dataSource, "MRN1", t0.AddMinutes(4), "news2_red_score", "high", 4);
        var later = await AlertRows.ClinicalAsync(dataSource, "MRN1", t0.AddMinutes(11));
        var options = new AlertOptions { Kafka = false, DedupeWindowSeconds = 600, Webhooks = [new WebhookRoute { Name = "ward", Url = receiver.Url }] };
        await using var dispatcher = new AlertDispatcher(dataSource, options, publisher: null);

        await dispatcher.RunUntilIdleAsync(CancellationToken.None);

        var delivered = receiver.Accepted.Select(b => b["alert_id"]!.GetValue<string>()).Order().ToArray();
        Assert.Equal(new[] { first, otherPatient, otherSeverity, later }.Select(i => $"clinical-{i}").Order(), delivered);
        Assert.Equal(1, await AlertRows.CountAsync(dataSource, $"SELECT count(*) FROM ops.alert_deliveries WHERE alert_key = 'clinical-{repeat}' AND channel = '*' AND status = 'deduplicated'"));
        Assert.Equal(1, dispatcher.Statistics.Deduplicated);
    }

    [Fact]
    public async Task Operational_alerts_sharing_a_dedupe_key_are_delivered_once()
    {
        await using var dataSource = NpgsqlDataSource.Create(await TestDatabase.CreateAsync("alerts_dedupe_operational"));
        await using var receiver = new WebhookReceiver();
        for (var i = 0; i < 5; i++) await AlertRows.OperationalAsync(dataSource, "task_failed:gold.dim_patient");
        var options = new AlertOptions { Kafka = false, Webhooks = [new WebhookRoute { Name = "ops", Url = receiver.Url }] };
        await using var dispatcher = new AlertDispatcher(dataSource, options, publisher: null);

        await dispatcher.RunUntilIdleAsync(CancellationToken.None);

        Assert.Single(receiver.Accepted);
        Assert.Equal(4, await AlertRows.CountAsync(dataSource, "SELECT suppressed FROM ops.alert_dedupe WHERE dedupe_key = 'task_failed:gold.dim_patient'"));
    }

    [Fact]
    public async Task A_route_gets_at_most_its_rate_of_one_kind_per_window_and_the_rest_is_recorded()
    {
        await using var dataSource = NpgsqlDataSource.Create(await TestDatabase.CreateAsync("alerts_rate_limit"));
        await using var receiver = new WebhookReceiver();
        for (var i = 0; i < 5; i++) await AlertRows.OperationalAsync(dataSource, $"task_failed:model{i}");
        await AlertRows.OperationalAsync(dataSource, "dq:one", kind: "dq_breach");
        var options = new AlertOptions { Kafka = false, RateLimitPerWindow = 2, RateLimitWindowSeconds = 3600, Webhooks = [new WebhookRoute { Name = "ops", Url = receiver.Url }] };
        await using var dispatcher = new AlertDispatcher(dataSource, options, publisher: null);

        await dispatcher.RunUntilIdleAsync(CancellationToken.None);

        Assert.Equal(2, receiver.Accepted.Count(b => b["kind"]!.GetValue<string>() == "task_failed"));
        Assert.Single(receiver.Accepted, b => b["kind"]!.GetValue<string>() == "dq_breach");
        Assert.Equal(3, await AlertRows.CountAsync(dataSource, "SELECT count(*) FROM ops.alert_deliveries WHERE channel = 'webhook:ops' AND status = 'rate_limited'"));
    }

    [Fact]
    public void The_rate_limiter_window_slides_with_the_raised_times()
    {
        var limiter = new AlertRateLimiter(2, TimeSpan.FromMinutes(1));
        var t = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.True(limiter.TryAcquire("r", "k", t));
        Assert.True(limiter.TryAcquire("r", "k", t.AddSeconds(10)));
        Assert.False(limiter.TryAcquire("r", "k", t.AddSeconds(20)));
        Assert.True(limiter.TryAcquire("r", "other", t.AddSeconds(20)));
        Assert.True(limiter.TryAcquire("r", "k", t.AddSeconds(61)));
        Assert.False(limiter.TryAcquire("r", "k", t.AddSeconds(62)));
    }
}
