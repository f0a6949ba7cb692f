using System.Globalization;
using Npgsql;
using Parquet;
using Parquet.Schema;

namespace CareLake.Export;

/// <summary>
/// One PostgreSQL column as a Parquet column: its field, the expression that selects it, and a buffer of one row
/// group's values. The mapping (docs/gold.md, "Parquet export"):
/// smallint/integer/bigint → INT32 (smallint widened)/INT32/INT64; boolean → BOOLEAN; real/double precision → FLOAT/DOUBLE;
/// numeric(p,s) with p ≤ 28 (what .NET decimal holds exactly) → DECIMAL(p,s); numeric without a precision, or wider → DOUBLE; timestamptz → TIMESTAMP
/// (adjusted to UTC, microseconds); timestamp → TIMESTAMP (not adjusted, microseconds); date → DATE; bytea → BINARY;
/// arrays → their JSON text (UTF-8 STRING); everything else (text, varchar, char, uuid, json, interval, ...) → its
/// PostgreSQL text form as a UTF-8 STRING. Every column is nullable.
/// </summary>
internal abstract class ParquetColumn
{
    protected ParquetColumn(string name) => Name = name;

    public string Name { get; }

    public abstract DataField Field { get; }

    /// <summary>The select-list expression reading this column in the form <see cref="Read"/> expects.</summary>
    public abstract string SelectExpression { get; }

    public abstract void Read(NpgsqlDataReader reader, int ordinal, int row);

    public abstract Task WriteAsync(ParquetRowGroupWriter writer, int rows, CancellationToken cancellationToken);

    /// <param name="type">format_type of the column (e.g. <c>numeric(10,2)</c>, <c>timestamp with time zone</c>, <c>text[]</c>).</param>
    /// <param name="capacity">Rows per row group.</param>
    public static ParquetColumn For(string name, string type, int capacity)
    {
        var quoted = "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        if (type.EndsWith("[]", StringComparison.Ordinal)) return new TextColumn(name, $"to_json({quoted})::text", capacity);
        return type switch
        {
            "smallint" => new ValueColumn<int>(name, new DataField<int?>(name), $"{quoted}::integer", capacity, (r, i) => r.GetInt32(i)),
            "integer" => new ValueColumn<int>(name, new DataField<int?>(name), quoted, capacity, (r, i) => r.GetInt32(i)),
            "bigint" => new ValueColumn<long>(name, new DataField<long?>(name), quoted, capacity, (r, i) => r.GetInt64(i)),
            "boolean" => new ValueColumn<bool>(name, new DataField<bool?>(name), quoted, capacity, (r, i) => r.GetBoolean(i)),
            "real" => new ValueColumn<float>(name, new DataField<float?>(name), quoted, capacity, (r, i) => r.GetFloat(i)),
            "double precision" => new ValueColumn<double>(name, new DataField<double?>(name), quoted, capacity, (r, i) => r.GetDouble(i)),
            "numeric" => new ValueColumn<double>(name, new DataField<double?>(name), $"{quoted}::double precision", capacity, (r, i) => r.GetDouble(i)),
            "date" => new ValueColumn<DateOnly>(name, new DataField<DateOnly?>(name), quoted, capacity, (r, i) => r.GetFieldValue<DateOnly>(i)),
            "timestamp with time zone" => new ValueColumn<DateTime>(name, new DateTimeDataField(name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true),
                quoted, capacity, (r, i) => r.GetDateTime(i)),
            "timestamp without time zone" => new ValueColumn<DateTime>(name, new DateTimeDataField(name, DateTimeFormat.Timestamp, isAdjustedToUTC: false, unit: DateTimeTimeUnit.Micros, isNullable: true),
                quoted, capacity, (r, i) => DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Unspecified)),
            "bytea" => new BinaryColumn(name, quoted, capacity),
            _ when Decimal(type) is var (precision, scale) && precision is > 0 and <= 28 => new ValueColumn<decimal>(name,
                new DecimalDataField(name, precision, scale, forceByteArrayEncoding: false, isNullable: true), quoted, capacity, (r, i) => r.GetDecimal(i)),
            _ when type.StartsWith("numeric", StringComparison.Ordinal) => new ValueColumn<double>(name, new DataField<double?>(name), $"{quoted}::double precision", capacity, (r, i) => r.GetDouble(i)),
            // Text types as stored (a cast to text would drop character(n)'s padding); others in their text form.
            "text" or "name" => new TextColumn(name, quoted, capacity),
            _ when type.StartsWith("character", StringComparison.Ordinal) => new TextColumn(name, quoted, capacity),
            _ => new TextColumn(name, $"{quoted}::text", capacity),
        };
    }

    /// <summary>(precision, scale) of <c>numeric(p,s)</c>; (0, 0) for anything else.</summary>
    private static (int Precision, int Scale) Decimal(string type)
    {
        if (!type.StartsWith("numeric(", StringComparison.Ordinal) || !type.EndsWith(')')) return (0, 0);
        var parts = type["numeric(".Length..^1].Split(',');
        var precision = int.Parse(parts[0], CultureInfo.InvariantCulture);
        var scale = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 0;
        // PostgreSQL 15 allows a negative scale or one above the precision; Parquet does not.
        return scale < 0 || scale > precision ? (0, 0) : (precision, scale);
    }

    private sealed class ValueColumn<T>(string name, DataField field, string select, int capacity, Func<NpgsqlDataReader, int, T> read) : ParquetColumn(name)
        where T : struct
    {
        private readonly T?[] _values = new T?[capacity];

        public override DataField Field { get; } = field;

        public override string SelectExpression { get; } = select;

        public override void Read(NpgsqlDataReader reader, int ordinal, int row) => _values[row] = reader.IsDBNull(ordinal) ? null : read(reader, ordinal);

        public override Task WriteAsync(ParquetRowGroupWriter writer, int rows, CancellationToken cancellationToken) =>
            writer.WriteAsync(Field, new ReadOnlyMemory<T?>(_values, 0, rows), null, null, cancellationToken);
    }

    private sealed class TextColumn(string name, string select, int capacity) : ParquetColumn(name)
    {
        private readonly string?[] _values = new string?[capacity];

        public override DataField Field { get; } = new DataField<string>(name, true);

        public override string SelectExpression { get; } = select;

        public override void Read(NpgsqlDataReader reader, int ordinal, int row) => _values[row] = reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

        public override Task WriteAsync(ParquetRowGroupWriter writer, int rows, CancellationToken cancellationToken) =>
            writer.WriteAsync(Field, new ArraySegment<string?>(_values, 0, rows)!, null);
    }

    private sealed class BinaryColumn(string name, string select, int capacity) : ParquetColumn(name)
    {
        private readonly byte[]?[] _values = new byte[]?[capacity];

        public override DataField Field { get; } = new DataField<byte[]>(name, true);

        public override string SelectExpression { get; } = select;

        public override void Read(NpgsqlDataReader reader, int ordinal, int row) => _values[row] = reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<byte[]>(ordinal);

        public override Task WriteAsync(ParquetRowGroupWriter writer, int rows, CancellationToken cancellationToken) =>
            writer.WriteAsync(Field, new ArraySegment<byte[]?>(_values, 0, rows)!, null);
    }
}
