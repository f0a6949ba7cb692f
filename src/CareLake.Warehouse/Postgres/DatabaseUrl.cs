using Npgsql;

namespace CareLake.Warehouse.Postgres;

/// <summary>Reads <c>CARELAKE_DATABASE_URL</c>: a connection string or a <c>postgres://user:password@host:port/database?option=value</c> URL.</summary>
public static class DatabaseUrl
{
    public static string ToConnectionString(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        if (!value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) &&
            !value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return new NpgsqlConnectionStringBuilder(value) { ApplicationName = "carelake" }.ConnectionString;
            }
            catch (ArgumentException e)
            {
                throw new WarehouseException($"CARELAKE_DATABASE_URL is neither a postgres:// URL nor a valid connection string: {e.Message}", e);
            }
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new WarehouseException("CARELAKE_DATABASE_URL is not a valid URL; expected postgres://user:password@host:port/database.");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } db ? db : "carelake",
            ApplicationName = "carelake",
        };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2) builder.Password = Uri.UnescapeDataString(parts[1]);
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var val = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            try
            {
                builder[key.Equals("sslmode", StringComparison.OrdinalIgnoreCase) ? "SSL Mode" : key] = val;
            }
            catch (ArgumentException e)
            {
                throw new WarehouseException($"CARELAKE_DATABASE_URL option '{key}' is not understood: {e.Message}", e);
            }
        }

        return builder.ConnectionString;
    }
}
