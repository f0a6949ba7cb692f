using CareLake.Core.Configuration;
using Npgsql;

namespace CareLake.Alerting;

/// <summary>Builds a dispatcher from CareLake's options (Kafka publisher and lag monitor when Kafka is configured) and runs it.</summary>
public static class AlertDispatcherHost
{
    /// <summary>Whether there is anywhere to deliver to: Kafka or at least one webhook, and alerts enabled.</summary>
    public static bool HasDestinations(CareLakeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Alerts.Enabled && (options.Alerts.Webhooks.Count > 0 || (options.Alerts.Kafka && !string.IsNullOrWhiteSpace(options.KafkaBootstrap)));
    }

    /// <summary>Runs a dispatcher until cancelled (or, with <paramref name="untilIdle"/>, until nothing is left); returns its statistics.</summary>
    public static async Task<DispatchStatistics> RunAsync(NpgsqlDataSource dataSource, CareLakeOptions options, TimeProvider time, Action<string> log, bool untilIdle,
        CancellationToken cancellationToken, Action<AlertDispatcher>? started = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var kafka = !string.IsNullOrWhiteSpace(options.KafkaBootstrap);
        using var publisher = kafka && options.Alerts.Kafka ? new KafkaAlertPublisher(options.KafkaBootstrap!) : null;
        using var endOffsets = kafka ? new KafkaEndOffsets(options.KafkaBootstrap!) : null;
        var monitors = new OperationalMonitors(dataSource, options.Alerts, endOffsets, options.KafkaTopics);
        await using var dispatcher = new AlertDispatcher(dataSource, options.Alerts, publisher, time, log, monitors: monitors);
        started?.Invoke(dispatcher);
        if (untilIdle) await dispatcher.RunUntilIdleAsync(cancellationToken);
        else await dispatcher.RunAsync(cancellationToken);
        return dispatcher.Statistics;
    }
}
