using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace CareLake.Alerting;

/// <summary>A filter over recent alerts: kind (or the group <c>clinical</c>/<c>operational</c>), minimum severity, raised since.</summary>
public sealed record AlertFilter(string? Kind = null, string? MinSeverity = null, DateTimeOffset? Since = null, int Limit = 100, long? AfterClinicalId = null, long? AfterOperationalId = null);

/// <summary>Recent clinical and operational alerts with what became of them, newest first: for <c>carelake alerts list</c> and the dashboard.</summary>
public static class RecentAlerts
{
    public static async Task<IReadOnlyList<JsonObject>> ListAsync(NpgsqlDataSource dataSource, AlertFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(filter);
        // Each table's newest matching alerts first (an index read of at most `limit` rows each), then their links and
        // deliveries: the JSON is built for the rows answered, not for every alert ever raised.
        await using var command = dataSource.CreateCommand("""
            WITH clinical AS (
                SELECT alert_id, kind, severity, patient_id, reason, raised_at, event_id, bronze_id
                  FROM silver.clinical_alerts
                 WHERE ($3::timestamptz IS NULL OR raised_at >= $3) AND ($5::bigint IS NULL OR alert_id > $5)
                   AND ($1::text IS NULL OR kind = $1 OR $1 = 'clinical')
                   AND ($2::int IS NULL OR array_position(ARRAY['info','warning','high','critical'], severity) >= $2)
                 ORDER BY raised_at DESC, alert_id DESC
                 LIMIT $4),
            operational AS (
                SELECT alert_id, kind, severity, reason, raised_at, source
                  FROM ops.operational_alerts
                 WHERE ($3::timestamptz IS NULL OR raised_at >= $3) AND ($6::bigint IS NULL OR alert_id > $6)
                   AND ($1::text IS NULL OR kind = $1 OR $1 = 'operational')
                   AND ($2::int IS NULL OR array_position(ARRAY['info','warning','high','critical'], severity) >= $2)
                 ORDER BY raised_at DESC, alert_id DESC
                 LIMIT $4),
            alerts AS (
                SELECT 'clinical-' || alert_id AS alert_id, 'clinical' AS source, alert_id AS id, kind, severity, patient_id, reason, raised_at,
                       jsonb_build_object('table', 'silver.clinical_alerts', 'id', alert_id, 'event_id', event_id, 'bronze_id', bronze_id) AS link
                  FROM clinical
                UNION ALL
                SELECT 'operational-' || alert_id, 'operational', alert_id, kind, severity, NULL, reason, raised_at,
                       source || jsonb_build_object('alert_row', alert_id)
                  FROM operational
                 ORDER BY raised_at DESC, alert_id DESC
                 LIMIT $4)
            SELECT a.alert_id, a.source, a.id, a.kind, a.severity, a.patient_id, a.reason, a.raised_at, a.link::text,
                   coalesce((SELECT jsonb_object_agg(d.channel, d.status) FROM ops.alert_deliveries d WHERE d.alert_key = a.alert_id), '{}'::jsonb)::text
              FROM alerts a
             ORDER BY a.raised_at DESC, a.alert_id DESC
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.Kind ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = filter.MinSeverity is { } s ? CareLake.Core.Configuration.Severities.IndexOf(s) + 1 : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.Since ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = Math.Clamp(filter.Limit, 1, 10_000) });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.AfterClinicalId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.AfterOperationalId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        var result = new List<JsonObject>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new JsonObject
            {
                ["alert_id"] = reader.GetString(0),
                ["source_kind"] = reader.GetString(1),
                ["id"] = reader.GetInt64(2),
                ["kind"] = reader.GetString(3),
                ["severity"] = reader.GetString(4),
                ["patient_id"] = reader.IsDBNull(5) ? null : reader.GetString(5),
                ["reason"] = reader.GetString(6),
                ["raised_at"] = reader.GetFieldValue<DateTimeOffset>(7).UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["source"] = JsonNode.Parse(reader.GetString(8)),
                ["deliveries"] = JsonNode.Parse(reader.GetString(9)),
            });
        }

        return result;
    }
}
