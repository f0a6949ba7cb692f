using System.CommandLine;
using System.Globalization;
using CareLake.Alerting;
using CareLake.Core.Configuration;

namespace CareLake.Cli.Commands;

/// <summary><c>carelake alerts</c>: run the alert dispatcher on its own, or list recent alerts.</summary>
public static class AlertsCommand
{
    public static Command Create()
    {
        var untilIdle = new Option<bool>("--until-idle") { Description = "Deliver what is pending, then exit (for scripts). Default: run until stopped (Ctrl+C or SIGTERM)." };
        var dispatch = new Command("dispatch",
            "Deliver clinical and operational alerts and pipeline events: to the webhooks of alerts.webhooks and, when Kafka is configured, to " +
            "carelake.alerts and carelake.pipeline_events; and run the operational monitors (consumer lag, silent sources, quarantine rate). " +
            "Several dispatchers may run: one holds the lease and delivers.") { untilIdle };
        dispatch.SetAction(async (context, parseResult) =>
        {
            var options = context.Options;
            if (!options.Alerts.Enabled)
            {
                CliContext.Log("error: alerts are disabled (alerts.enabled / CARELAKE_ALERTS_ENABLED).");
                return CommandRunner.Misconfigured;
            }

            if (!AlertDispatcherHost.HasDestinations(options))
            {
                CliContext.Log("note: no webhook routes and no Kafka configured: alerts are recorded as handled and shown on the dashboard only.");
            }

            await using var warehouse = await Warehouse.Postgres.Warehouse.OpenAsync(options, CliContext.Log, context.Stopping);
            var once = parseResult.GetValue(untilIdle);
            try
            {
                var statistics = await AlertDispatcherHost.RunAsync(warehouse.DataSource, options, context.Time, CliContext.Log, once, context.Stopping);
                Console.WriteLine(statistics.ToString());
            }
            catch (OperationCanceledException) when (context.Stopping.IsCancellationRequested)
            {
            }

            return 0;
        });

        var kind = new Option<string?>("--kind") { Description = "Only this kind (news2_high, task_failed, …) or group (clinical, operational). Default: all." };
        var severity = new Option<string?>("--severity") { Description = "Only this severity and above (info, warning, high, critical). Default: all." };
        var since = new Option<string?>("--since") { Description = "Only alerts raised at or after this time (ISO 8601). Default: any time." };
        var limit = new Option<int>("--limit") { Description = "At most this many, newest first. Default 50.", DefaultValueFactory = _ => 50 };
        var json = new Option<bool>("--json") { Description = "One JSON object per line instead of a table." };
        var list = new Command("list", "Recent clinical and operational alerts, newest first, with what became of each on every channel.") { kind, severity, since, limit, json };
        list.SetAction(async (context, parseResult) =>
        {
            DateTimeOffset? from = null;
            if (parseResult.GetValue(since) is { } text)
            {
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    CliContext.Log($"error: --since must be a time such as 2026-12-06T08:00:00Z, not '{text}'");
                    return CommandRunner.Misconfigured;
                }

                from = parsed;
            }

            if (parseResult.GetValue(severity) is { } s && Severities.IndexOf(s) < 0)
            {
                CliContext.Log($"error: --severity must be one of {string.Join(", ", Severities.All)}");
                return CommandRunner.Misconfigured;
            }

            await using var warehouse = await Warehouse.Postgres.Warehouse.OpenAsync(context.Options, CliContext.Log, context.Stopping);
            var alerts = await RecentAlerts.ListAsync(warehouse.DataSource,
                new AlertFilter(parseResult.GetValue(kind), parseResult.GetValue(severity), from, parseResult.GetValue(limit)), context.Stopping);
            foreach (var alert in alerts)
            {
                Console.WriteLine(parseResult.GetValue(json)
                    ? alert.ToJsonString()
                    : $"{alert["raised_at"]}  {alert["severity"],-8}  {alert["kind"],-16}  {alert["alert_id"],-18}  {alert["reason"]}  {alert["deliveries"]!.ToJsonString()}");
            }

            if (!parseResult.GetValue(json)) Console.WriteLine($"{alerts.Count} alerts");
            return 0;
        });

        return new Command("alerts", "Clinical and operational alerts: deliver them (dispatch) or list recent ones (list).") { dispatch, list };
    }
}
