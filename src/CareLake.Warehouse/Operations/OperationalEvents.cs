using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace CareLake.Warehouse.Operations;

/// <summary>An operational alert: something about the pipeline itself that someone should know.</summary>
/// <param name="Kind"><c>task_failed</c>, <c>dq_breach</c>, <c>consumer_lag</c>, <c>source_silent</c> or <c>quarantine_rate</c>.</param>
/// <param name="Severity"><c>info</c>, <c>warning</c>, <c>high</c> or <c>critical</c>.</param>
/// <param name="DedupeKey">Alerts with the same key within the dedupe window are delivered once (e.g. <c>task_failed:gold.dim_patient</c>).</param>
/// <param name="Reason">What happened, in words; never PHI.</param>
/// <param name="Source">The rows it comes from, e.g. <c>{"table":"ops.task_runs","id":42}</c>.</param>
public sealed record OperationalAlert(string Kind, string Severity, string DedupeKey, string Reason, JsonObject? Source = null);

/// <summary>A stage of a run started, succeeded, failed, was skipped or is being retried.</summary>
public sealed record PipelineEvent(string RunId, string Stage, string Status, long? Rows = null, long? DurationMs = null, string? Error = null);

/// <summary>
/// Writes operational alerts and pipeline events to their outboxes (<c>ops.operational_alerts</c>,
/// <c>ops.pipeline_events</c>), from which the alert dispatcher delivers them. Pass a connection to write inside
/// the caller's transaction.
/// </summary>
public static class OperationalEvents
{
    public static async Task<long> RaiseAsync(NpgsqlConnection connection, OperationalAlert alert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(alert);
        await using var command = new NpgsqlCommand(
            "INSERT INTO ops.operational_alerts (kind, severity, dedupe_key, reason, source) VALUES ($1, $2, $3, $4, $5) RETURNING alert_id",
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = alert.Kind });
        command.Parameters.Add(new NpgsqlParameter { Value = alert.Severity });
        command.Parameters.Add(new NpgsqlParameter { Value = alert.DedupeKey });
        command.Parameters.Add(new NpgsqlParameter { Value = alert.Reason });
        command.Parameters.Add(new NpgsqlParameter { Value = (alert.Source ?? []).ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public static async Task<long> RaiseAsync(NpgsqlDataSource dataSource, OperationalAlert alert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await RaiseAsync(connection, alert, cancellationToken);
    }

    public static async Task RecordAsync(NpgsqlConnection connection, PipelineEvent pipelineEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(pipelineEvent);
        await using var command = new NpgsqlCommand(
            "INSERT INTO ops.pipeline_events (run_id, stage, status, rows, duration_ms, error) VALUES ($1, $2, $3, $4, $5, $6)",
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = pipelineEvent.RunId });
        command.Parameters.Add(new NpgsqlParameter { Value = pipelineEvent.Stage });
        command.Parameters.Add(new NpgsqlParameter { Value = pipelineEvent.Status });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)pipelineEvent.Rows ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)pipelineEvent.DurationMs ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)pipelineEvent.Error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task RecordAsync(NpgsqlDataSource dataSource, PipelineEvent pipelineEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await RecordAsync(connection, pipelineEvent, cancellationToken);
    }
}
