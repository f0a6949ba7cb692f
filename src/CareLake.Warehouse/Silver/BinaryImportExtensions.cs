using Npgsql;
using NpgsqlTypes;

namespace CareLake.Warehouse.Silver;

/// <summary>Nullable column writes for binary COPY: a null value becomes SQL NULL.</summary>
internal static class BinaryImportExtensions
{
    public static void WriteText(this NpgsqlBinaryImporter w, string? value)
    {
        if (value is null) w.WriteNull();
        else w.Write(value, NpgsqlDbType.Text);
    }

    public static void WriteNumber(this NpgsqlBinaryImporter w, decimal? value)
    {
        if (value is { } v) w.Write(v, NpgsqlDbType.Numeric);
        else w.WriteNull();
    }

    public static void WriteSmallint(this NpgsqlBinaryImporter w, int? value)
    {
        if (value is { } v) w.Write((short)v, NpgsqlDbType.Smallint);
        else w.WriteNull();
    }

    public static void WriteInteger(this NpgsqlBinaryImporter w, int? value)
    {
        if (value is { } v) w.Write(v, NpgsqlDbType.Integer);
        else w.WriteNull();
    }

    public static void WriteBoolean(this NpgsqlBinaryImporter w, bool? value)
    {
        if (value is { } v) w.Write(v, NpgsqlDbType.Boolean);
        else w.WriteNull();
    }

    public static void WriteTimestamp(this NpgsqlBinaryImporter w, DateTimeOffset? value)
    {
        if (value is { } v) w.Write(v.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        else w.WriteNull();
    }

    public static void WriteDate(this NpgsqlBinaryImporter w, DateOnly? value)
    {
        if (value is { } v) w.Write(v, NpgsqlDbType.Date);
        else w.WriteNull();
    }
}
