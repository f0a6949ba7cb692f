using System.Text.Json.Nodes;
using CareLake.Warehouse.Operations;
using Npgsql;

namespace CareLake.Alerting.Tests;

/// <summary>Crafted rows in the tables the dispatcher reads, as silver and the pipeline would write them.</summary>
internal static class AlertRows
{
    private static int _event;

    public static async Task<long> ClinicalAsync(NpgsqlDataSource dataSource, string patient, DateTimeOffset raisedAt, string kind = "news2_high", string severity = "critical", int score = 8)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO silver.clinical_alerts (event_id, bronze_id, patient_id, encounter_id, kind, severity, news2_score, reason, measured_at, raised_at)
            VALUES ($1, $2, $3, 'ENC1', $4, $5, $6, 'NEWS2 aggregate ' || $6 || ' (≥ 7)', $7, $7) RETURNING alert_id
            """);
        var n = Interlocked.Increment(ref _event);
        command.Parameters.Add(new NpgsqlParameter { Value = $"vs-{Guid.NewGuid():N}" });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)n });
        command.Parameters.Add(new NpgsqlParameter { Value = patient });
        command.Parameters.Add(new NpgsqlParameter { Value = kind });
        command.Parameters.Add(new NpgsqlParameter { Value = severity });
        command.Parameters.Add(new NpgsqlParameter { Value = (short)score });
        command.Parameters.Add(new NpgsqlParameter { Value = raisedAt });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public static Task<long> OperationalAsync(NpgsqlDataSource dataSource, string dedupeKey, string kind = "task_failed", string severity = "high") =>
        OperationalEvents.RaiseAsync(dataSource, new OperationalAlert(kind, severity, dedupeKey, $"{dedupeKey} failed after 3 retries",
            new JsonObject { ["table"] = "ops.task_runs", ["id"] = 42 }));

    public static async Task<int> CountAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Waits for a condition, with a generous limit for a loaded machine.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 120)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail($"Timed out waiting for {what}");
            await Task.Delay(50);
        }
    }
}
