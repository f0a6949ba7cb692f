using CareLake.Core.Configuration;
using CareLake.Testing;
using Npgsql;

namespace CareLake.Alerting.Tests;

public class WebhookDeliveryTests
{
    private static AlertOptions Options(string url, int retries = 3, int backoffMs = 20, string minSeverity = "info", params string[] kinds) => new()
    {
        Kafka = false,
        WebhookRetries = retries,
        WebhookBackoffMs = backoffMs,
        Webhooks = [new WebhookRoute { Name = "ward", Url = url, MinSeverity = minSeverity, Kinds = kinds }],
    };

    [Fact]
    public async Task A_clinical_alert_reaches_the_webhook_as_slack_text_with_its_fields_and_no_patient_name()
    {
        await using var dataSource = NpgsqlDataSource.Create(await TestDatabase.CreateAsync("alerts_webhook_basic"));
        await using var receiver = new WebhookReceiver();
        var id = await AlertRows.ClinicalAsync(dataSource, "MRN0001", DateTimeOffset.UtcNow);
        await using var dispatcher = new AlertDispatcher(dataSource, Options(receiver.Url), publisher: null);

        await dispatcher.RunUntilIdleAsync(CancellationToken.None);

        var body = Assert.Single(receiver.Accepted);
        Assert.StartsWith("[CRITICAL] news2_high:", body["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal($"clinical-{id}", body["alert_id"]!.GetValue<string>());
        Assert.Equal("MRN0001", body["patient_id"]!.GetValue<string>());
        Assert.Equal("silver.clinical_alerts", body["source"]!["table"]!.GetValue<string>());
        Assert.Equal(id, body["source"]!["id"]!.GetValue<long>());
        Assert.DoesNotContain("MRN0001", body["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, await AlertRows.CountAsync(dataSource, $"SELECT count(*) FROM ops.alert_deliveries WHERE alert_key = 'clinical-{id}' AND channel = 'webhook:ward' AND status = 'delivered'"));
    }

    [Fact]
    public async Task Routes_take_only_their_kinds_and_severities()
    {
        await using var dataSource = NpgsqlDataSource.Create(await TestDatabase.CreateAsync("alerts_webhook_routes"));
        await using var receiver = new WebhookReceiver();
        await AlertRows.ClinicalAsync(dataSource, "MRN0002", DateTimeOffset.UtcNow, "news2_red_score", "high", 5);
        await AlertRows.OperationalAsync(dataSource, "task_failed:gold.dim_patient", severity: "critical");
        await AlertRows.OperationalAsync(dataSource, "dq:x", kind: "dq_breach", severity: "warning");
        await using var dispatcher = new AlertDispatcher(dataSource, Options(receiver.Url, minSeverity: "high", kinds: "operational"), publisher: null);

        await dispatcher.RunUntilIdleAsync(CancellationToken.None);

        var body = Assert.Single(receiver.Accepted);
        Assert.Equal("task_failed", body["kind"]!.GetValue<string>());
        Assert.Null(body["patient_id"]);
    }

    [Fact]
    public async Task A_receiver_that_comes_back_within_the_retry_window_gets_the_alert()
    {
        await using var dataSource = NpgsqlDataSource.Create(await TestDatabase.CreateAsync("alerts_webhook_comes_back"));
        await using var receiver = new WebhookReceiver();
        receiver.Status = 503;
        await AlertRows.OperationalAsync(dataSource, "task_failed:a");
        await using var dispatcher = new AlertDispatcher(dataSource, Options(receiver.Url, retries: 12, backoffMs: 50), publisher: null);

        var run = dispatcher.RunUntilIdleAsync(CancellationToken.None);
        await AlertRows.EventuallyAsync(() => Task.FromResult(receiver.Requests >= 2), "two refused attempts");
        receiver.Status = 200;
        await run;

        Assert.Single(receiver.Accepted);
        Assert.Equal(1, await AlertRows.CountAsync(dataSource, "SELECT count(*) FROM ops.alert_deliveries WHERE channel = 'webhook:ward' AND status = 'delivered' AND attempts >= 3"));
        Assert.Equal(0, await AlertRows.CountAsync(dataSource, "SELECT count(*) FROM ops.alert_dead_letters"));
    }

    [Fact]
    public async Task A_receiver_whose_socket_is_closed_for_a_while_gets_the_alert_when_it_listens_again()
    {
        await using var dataSource = NpgsqlDataSource.Create(await TestDatabase.CreateAsync("alerts_webhook_socket_back"));
        await using var receiver = new WebhookReceiver();
        receiver.GoDown();
        await AlertRows.OperationalAsync(dataSource, "task_failed:b");
        // Backoff doubles from 200 ms over 12 retries: minutes of retry window, so the receiver is back well within it.
        await using var dispatcher = new AlertDispatcher(dataSource, Options(receiver.Url, retries: 12, backoffMs: 200), publisher: null);

        var run = dispatcher.RunUntilIdleAsync(CancellationToken.None);
        await Task.Delay(300);
        receiver.ComeBack();
        await run;

        Assert.Single(receiver.Accepted);
        Assert.Equal(0, await AlertRows.CountAsync(dataSource, "SELECT count(*) FROM ops.alert_dead_letters"));
    }

    [Fact]
    public async Task A_receiver_that_stays_down_leaves_a_dead_letter_with_the_payload()
    {
        await using var dataSource = NpgsqlDataSource.Create(await TestDatabase.CreateAsync("alerts_webhook_dead_letter"));
        await using var receiver = new WebhookReceiver();
        receiver.GoDown();
        var id = await AlertRows.OperationalAsync(dataSource, "task_failed:c");
        await using var dispatcher = new AlertDispatcher(dataSource, Options(receiver.Url, retries: 2, backoffMs: 10), publisher: null);

        await dispatcher.RunUntilIdleAsync(CancellationToken.None);

        Assert.Equal(1, await AlertRows.CountAsync(dataSource,
            $"SELECT count(*) FROM ops.alert_dead_letters WHERE alert_key = 'operational-{id}' AND channel = 'webhook:ward' AND attempts = 3 AND payload->>'alert_id' = 'operational-{id}' AND target = '{receiver.Url}'"));
        Assert.Equal(1, await AlertRows.CountAsync(dataSource, $"SELECT count(*) FROM ops.alert_deliveries WHERE alert_key = 'operational-{id}' AND status = 'dead_lettered'"));
        Assert.Equal(1, dispatcher.Statistics.DeadLettered);

        // Handled: a later pass neither retries it nor sends it when the receiver is back.
        receiver.ComeBack();
        await dispatcher.RunUntilIdleAsync(CancellationToken.None);
        Assert.Empty(receiver.Accepted);
    }

    [Fact]
    public async Task A_client_error_is_final_without_retries()
    {
        await using var dataSource = NpgsqlDataSource.Create(await TestDatabase.CreateAsync("alerts_webhook_400"));
        await using var receiver = new WebhookReceiver();
        receiver.Status = 400;
        await AlertRows.OperationalAsync(dataSource, "task_failed:d");
        await using var dispatcher = new AlertDispatcher(dataSource, Options(receiver.Url, retries: 5, backoffMs: 10), publisher: null);

        await dispatcher.RunUntilIdleAsync(CancellationToken.None);

        Assert.Equal(1, receiver.Requests);
        Assert.Equal(1, await AlertRows.CountAsync(dataSource, "SELECT count(*) FROM ops.alert_dead_letters WHERE error LIKE 'HTTP 400%'"));
    }
}
