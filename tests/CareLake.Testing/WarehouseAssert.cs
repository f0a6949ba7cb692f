using System.Globalization;
using CareLake.Core.Scoring;
using Xunit;

namespace CareLake.Testing;

/// <summary>Checks a warehouse's bronze, silver and gold against what a test feed must have produced, exactly.</summary>
public static class WarehouseAssert
{
    public static async Task MatchesAsync(string connectionString, IReadOnlyList<FeedMessage> produced, string stream = "patient_vitals")
    {
        var expected = new ExpectedWarehouse(produced);

        // Bronze: every produced message exactly once, byte for byte.
        var bronze = await Sql.RowsAsync(connectionString, "SELECT payload FROM bronze.raw_events WHERE stream = $1", stream);
        Assert.Equal(produced.Count, bronze.Count);
        Assert.Equal(0L, await Sql.ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM (SELECT 1 FROM bronze.raw_events GROUP BY source, stream, partition, position HAVING count(*) > 1) d"));
        var producedPayloads = produced.Select(m => Convert.ToBase64String(m.Payload)).Order(StringComparer.Ordinal).ToList();
        var landedPayloads = bronze.Select(r => Convert.ToBase64String((byte[])r[0]!)).Order(StringComparer.Ordinal).ToList();
        Assert.True(producedPayloads.SequenceEqual(landedPayloads), "bronze payloads differ from the produced messages");

        // Silver: every valid event exactly once, with its NEWS2 result.
        var silver = await Sql.RowsAsync(connectionString, "SELECT event_id, news2_score, news2_band, news2_complete, temperature_c FROM silver.vital_signs");
        Assert.Equal(expected.Rows.Count, silver.Count);
        var byId = silver.ToDictionary(r => (string)r[0]!, StringComparer.Ordinal);
        foreach (var (vitals, news2, _) in expected.Rows)
        {
            Assert.True(byId.TryGetValue(vitals.EventId, out var row), $"{vitals.EventId} missing from silver");
            Assert.Equal(news2.Total, row[1] is null ? null : Convert.ToInt32(row[1], CultureInfo.InvariantCulture));
            Assert.Equal(news2.Band?.Code(), row[2]);
            Assert.Equal(news2.IsComplete, row[3]);
            Assert.Equal(vitals.TemperatureCelsius, row[4] is null ? null : (decimal)row[4]!);
        }

        var alerts = await Sql.RowsAsync(connectionString, "SELECT event_id FROM silver.clinical_alerts");
        Assert.Equal(
            expected.Rows.Where(r => r.Alert is not null).Select(r => r.Vitals.EventId).Order(StringComparer.Ordinal),
            alerts.Select(r => (string)r[0]!).Order(StringComparer.Ordinal));

        var quarantined = await Sql.CountByAsync(connectionString, "SELECT reason_code, count(*) FROM silver.quarantine GROUP BY 1");
        Assert.Equal(expected.QuarantinedByReason.OrderBy(kv => kv.Key), quarantined.OrderBy(kv => kv.Key));
        Assert.Equal(expected.Duplicates, await Sql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM silver.duplicate_events"));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM silver.quarantine q LEFT JOIN bronze.raw_events b ON b.id = q.bronze_id WHERE b.id IS NULL"));

        // Gold: one snapshot per patient, equal to an independent computation from the expected silver rows.
        var gold = await Sql.RowsAsync(connectionString, """
            SELECT patient_id, latest_event_id, latest_measured_at, latest_news2_score, latest_news2_band,
                   last_complete_set_at, max_news2_24h, alerts_24h, sets_24h
              FROM gold.patient_risk_snapshot
            """);
        var expectedGold = expected.Gold();
        Assert.Equal(expectedGold.Count, gold.Count);
        foreach (var row in gold)
        {
            var e = expectedGold[(string)row[0]!];
            var actual = new RiskSnapshot((string)row[1]!, new DateTimeOffset((DateTime)row[2]!),
                row[3] is null ? null : Convert.ToInt32(row[3], CultureInfo.InvariantCulture), (string?)row[4],
                row[5] is null ? null : new DateTimeOffset((DateTime)row[5]!),
                row[6] is null ? null : Convert.ToInt32(row[6], CultureInfo.InvariantCulture), (int)row[7]!, (int)row[8]!);
            Assert.Equal(e, actual);
        }
    }
}
