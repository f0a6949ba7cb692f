using CareLake.Warehouse.Postgres;
using Npgsql;

namespace CareLake.Warehouse.Tests;

public class DatabaseUrlTests
{
    [Fact]
    public void Postgres_urls_become_connection_strings()
    {
        var b = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString("postgres://ana:s%40cret@db.example:6543/warehouse?sslmode=require&Timeout=30"));

        Assert.Equal(("db.example", 6543, "warehouse", "ana", "s@cret"), (b.Host, b.Port, b.Database, b.Username, b.Password));
        Assert.Equal(SslMode.Require, b.SslMode);
        Assert.Equal(30, b.Timeout);
        Assert.Equal("carelake", b.ApplicationName);
    }

    [Fact]
    public void Defaults_fill_what_the_url_leaves_out()
    {
        var b = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString("postgresql://db.example"));
        Assert.Equal((5432, "carelake"), (b.Port, b.Database));
    }

    [Fact]
    public void Connection_strings_pass_through()
    {
        var b = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString("Host=/tmp/sock;Database=x;Username=u"));
        Assert.Equal(("/tmp/sock", "x", "u"), (b.Host, b.Database, b.Username));
    }

    [Theory]
    [InlineData("postgres://")]
    [InlineData("Hots=oops;;=")]
    [InlineData("postgres://h/db?NoSuchOption=1")]
    public void Nonsense_is_a_clear_error(string value) =>
        Assert.Throws<WarehouseException>(() => DatabaseUrl.ToConnectionString(value));
}
