using Npgsql;

namespace CareLake.Scheduling.Graph;

/// <summary>
/// A backfill of a range of days: every patient with an encounter in the range is queued in
/// <c>gold.changed_patients</c>, so the per_patient models that follow recompute exactly those patients from their
/// whole silver history (which bronze derived), and the table models rebuild whole. The range's gold rows then equal
/// what a full rebuild gives for it.
/// </summary>
public static class Backfill
{
    /// <summary>Queues the range's patients; does nothing (and reports no rows) when there is no range.</summary>
    public static async Task<TaskResult> QueueRangeAsync(NpgsqlDataSource dataSource, DateRange? range, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        if (range is null) return TaskResult.None;
        // An encounter touches [from, to] when it started before the day after `to` and had not ended before `from`.
        await using var command = dataSource.CreateCommand("""
            INSERT INTO gold.changed_patients (source, patient_id)
            SELECT DISTINCT source, patient_id
              FROM silver.encounters
             WHERE patient_id IS NOT NULL
               AND coalesce(admitted_at, first_event_at) < $2
               AND coalesce(discharged_at, last_event_at) >= $1
            """);
        command.CommandTimeout = 0;
        command.Parameters.Add(new NpgsqlParameter { Value = new DateTimeOffset(range.From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) });
        command.Parameters.Add(new NpgsqlParameter { Value = new DateTimeOffset(range.To.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) });
        return new TaskResult(await command.ExecuteNonQueryAsync(cancellationToken));
    }
}
