using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using CareLake.Testing;
using CareLake.Warehouse.Gold;
using Npgsql;

namespace CareLake.Gold.Tests;

/// <summary>One generated hospital fed through silver and built into gold once, shared by the fact checks.</summary>
public sealed class GoldFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public IReadOnlyList<GoldModelRun> Runs { get; private set; } = [];

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateAsync("gold_facts");
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await Hospital.FeedAsync(dataSource, Hospital.Small(patients: 2500, days: 30, seed: 23).Messages, batch: 1000);
        Runs = await GoldModels.RunAsync(dataSource, new GoldRunOptions());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The contract's patient key, computed here: SHA-256 of source, id and version joined by 0x1f, first 8 bytes big-endian.</summary>
    public static long PatientKey(string source, string patientId, int version) => Key($"{source}\u001f{patientId}\u001f{version}");

    public static long LocationKey(string? facility, string? unit, string? room, string? bed) =>
        Key(string.Join('\u001f', new[] { facility, unit, room, bed }.Select(p => p ?? "\u001e")));

    private static long Key(string text) => BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public static int DateKey(DateTime utc) => utc.Year * 10000 + utc.Month * 100 + utc.Day;

    /// <summary>Each patient's versions from silver (valid_from, valid_to, version), for "as of" lookups.</summary>
    public async Task<Dictionary<(string, string), List<(DateTime From, DateTime? To, int Version)>>> VersionsAsync() =>
        (await Sql.RowsAsync(ConnectionString, "SELECT source, patient_id, valid_from, valid_to, version FROM silver.patient_versions"))
            .GroupBy(r => ((string)r[0]!, (string)r[1]!))
            .ToDictionary(g => g.Key, g => g.Select(r => ((DateTime)r[2]!, (DateTime?)r[3], (int)r[4]!)).OrderBy(v => v.Item1).ToList());

    /// <summary>The contract's "as of": the version valid at t, else the earliest; null when the patient has no version.</summary>
    public static long? KeyAsOf(Dictionary<(string, string), List<(DateTime From, DateTime? To, int Version)>> versions, string source, string patientId, DateTime t)
    {
        if (!versions.TryGetValue((source, patientId), out var list)) return null;
        var match = list.Where(v => v.From <= t && (v.To is null || t < v.To)).Select(v => (int?)v.Version).FirstOrDefault() ?? list[0].Version;
        return PatientKey(source, patientId, match);
    }
}
