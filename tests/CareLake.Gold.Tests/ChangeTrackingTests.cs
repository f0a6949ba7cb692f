using CareLake.Testing;
using Npgsql;

namespace CareLake.Gold.Tests;

/// <summary>Silver batches record every patient they touch, of every entity, in the batch's own transaction.</summary>
public class ChangeTrackingTests
{
    [Fact]
    public async Task Every_patient_in_silver_was_recorded_as_changed_by_the_batches_that_wrote_it()
    {
        var cs = await TestDatabase.CreateAsync(nameof(Every_patient_in_silver_was_recorded_as_changed_by_the_batches_that_wrote_it));
        await using var dataSource = NpgsqlDataSource.Create(cs);
        await Hospital.FeedAsync(dataSource, Hospital.Small(patients: 80, days: 10).Messages);

        // Per table, every patient with rows there is in the queue (not only those with vital signs).
        foreach (var table in new[] { "patients", "encounters", "vital_signs", "diagnoses", "procedures", "lab_results", "ehr_access" })
        {
            var missing = await Sql.ScalarAsync<long>(cs, $"""
                SELECT count(*) FROM (SELECT DISTINCT source, patient_id FROM silver.{table} WHERE patient_id IS NOT NULL
                                      EXCEPT SELECT source, patient_id FROM gold.changed_patients) AS m
                """);
            Assert.Equal(0L, missing);
        }

        // EHR access reaches patients without any vital signs: they are queued too.
        Assert.True(await Sql.ScalarAsync<long>(cs, "SELECT count(DISTINCT patient_id) FROM gold.changed_patients") > await Sql.ScalarAsync<long>(cs, "SELECT count(DISTINCT patient_id) FROM silver.vital_signs"));
        // Each batch's rows carry its transaction id.
        Assert.True(await Sql.ScalarAsync<long>(cs, "SELECT count(DISTINCT xid) FROM gold.changed_patients") > 1);
    }

    [Fact]
    public async Task Age_band_age_years_and_patient_key_follow_the_contract()
    {
        var cs = await TestDatabase.CreateAsync(nameof(Age_band_age_years_and_patient_key_follow_the_contract));
        var bands = await Sql.RowsAsync(cs, "SELECT a, gold.age_band(a) FROM unnest(ARRAY[NULL, -1, 0, 17, 18, 44, 45, 64, 65, 74, 75, 84, 85, 120]::integer[]) AS a");
        Assert.Equal([null, null, "0-17", "0-17", "18-44", "18-44", "45-64", "45-64", "65-74", "65-74", "75-84", "75-84", "85+", "85+"], bands.Select(r => r[1]));
        var ages = await Sql.RowsAsync(cs, """
            SELECT gold.age_years('2000-02-29', '2001-02-28'), gold.age_years('2000-02-29', '2001-03-01'), gold.age_years('1950-06-15', '2026-06-14'),
                   gold.age_years('1950-06-15', '2026-06-15'), gold.age_years(NULL, '2026-01-01')
            """);
        Assert.Equal([0, 1, 75, 76, null], ages[0]);

        var keys = await Sql.RowsAsync(cs, "SELECT gold.patient_key('mrn', 'P1', 1), gold.patient_key('mrn', 'P1', 1), gold.patient_key('mrn', 'P1', 2), gold.patient_key('mrn', 'P11', 1), gold.patient_key('mrn1', 'P1', 1)");
        Assert.Equal(keys[0][0], keys[0][1]);
        Assert.Equal(4, keys[0].Skip(1).Distinct().Count());
        // The documented definition: the first 8 bytes of SHA-256("mrn\x1fP1\x1f1"), big-endian, signed.
        var hash = System.Security.Cryptography.SHA256.HashData("mrn\u001fP1\u001f1"u8);
        Assert.Equal(System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(hash), keys[0][0]);
    }
}
