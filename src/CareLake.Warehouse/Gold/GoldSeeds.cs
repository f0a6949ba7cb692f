using System.Text.RegularExpressions;
using CareLake.Warehouse.Postgres;
using Npgsql;

namespace CareLake.Warehouse.Gold;

/// <summary>A reference CSV (header row = column names) loaded into <c>gold.seed_&lt;name&gt;</c>.</summary>
public sealed record GoldSeed(string Name, string Csv)
{
    public string Table => "gold.seed_" + Name;
}

/// <summary>
/// Loads the seed CSVs (<c>Gold/Seeds/&lt;name&gt;.csv</c>, embedded) into their tables, replacing their rows, before
/// the models run. The tables are created by migrations with the header's columns.
/// </summary>
public static partial class GoldSeeds
{
    public static IReadOnlyList<GoldSeed> All { get; } = SqlResources.Warehouse.Names("Gold/Seeds", ".csv")
        .Select(path => new GoldSeed(Path.GetFileNameWithoutExtension(path), SqlResources.Warehouse.Load(path)))
        .ToList();

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex Identifier();

    /// <summary>Replaces each seed table's rows with its CSV's, inside the caller's transaction.</summary>
    /// <returns>Rows loaded per seed table.</returns>
    /// <exception cref="WarehouseException">A seed's table is missing, or its header names a column the table lacks.</exception>
    public static async Task<IReadOnlyDictionary<string, long>> LoadAsync(NpgsqlConnection connection, IEnumerable<GoldSeed> seeds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        var loaded = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var seed in seeds)
        {
            if (!Identifier().IsMatch(seed.Name)) throw new WarehouseException($"Seed file {seed.Name}.csv: the name must be lower-case letters, digits and underscores.");
            using var lines = new StringReader(seed.Csv);
            var header = lines.ReadLine()?.Trim().TrimStart('\uFEFF') ?? "";
            var columns = header.Split(',', StringSplitOptions.TrimEntries);
            if (columns.Any(c => !Identifier().IsMatch(c)))
            {
                throw new WarehouseException($"Seed file {seed.Name}.csv: the header '{header}' must list column names (lower-case letters, digits, underscores) separated by commas.");
            }

            await using (var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection))
            {
                exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = seed.Table });
                if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
                {
                    throw new WarehouseException($"Seed file {seed.Name}.csv has no table {seed.Table}: a migration must create it with the columns {string.Join(", ", columns)}.");
                }
            }

            await using (var clear = new NpgsqlCommand($"DELETE FROM {seed.Table}", connection))
            {
                await clear.ExecuteNonQueryAsync(cancellationToken);
            }

            try
            {
                await using (var writer = await connection.BeginTextImportAsync(
                    $"COPY {seed.Table} ({string.Join(", ", columns)}) FROM STDIN (FORMAT csv, HEADER true)", cancellationToken))
                {
                    await writer.WriteAsync(seed.Csv.TrimStart('\uFEFF'));
                }
            }
            catch (PostgresException e)
            {
                throw new WarehouseException($"Seed file {seed.Name}.csv could not be loaded into {seed.Table} ({e.SqlState}: {e.MessageText}{(e.Where is { } w ? "; " + w : "")}).", e);
            }

            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {seed.Table}", connection);
            loaded[seed.Table] = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        return loaded;
    }
}
