using System.Text.Json;
using CareLake.Generator;
using CareLake.Generator.DirtyData;
using CareLake.Quality;
using CareLake.Streaming.Sources;
using CareLake.Streaming.Streaming;
using CareLake.Testing;
using CareLake.Warehouse.Gold;
using CareLake.Warehouse.Silver;
using CareLake.Web;
using Npgsql;

namespace CareLake.Dashboard.Tests;

/// <summary>
/// A real server (ingest API and dashboard, 127.0.0.1, a free port) over a database of its own filled by the
/// generator: 4,000 patients over the 90 days up to now (patients in house and recent alerts for the ward; stays
/// whose 30 days of follow-up lie inside the data for the readmission analytics), with the
/// demo's dirty data (duplicates, late events, bad values: quarantine and data-quality failures to show), every
/// message through bronze and silver, gold built, the data-quality suites run once.
/// </summary>
public sealed class HospitalServer : IAsyncLifetime
{
    public static readonly GeneratorOptions Hospital = new()
    {
        Patients = 4_000,
        Days = 90,
        Seed = 11,
        DirtyData = DirtyDataOptions.Demo,
        Start = GeneratorOptions.PeriodEndingAt(DateTimeOffset.UtcNow, 90, GeneratorOptions.DefaultFacilityUtcOffset),
    };

    public string ConnectionString { get; private set; } = "";
    public NpgsqlDataSource DataSource { get; private set; } = null!;
    public CareLakeServer Server { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Named for the test assembly: the browser tests link this fixture and may run at the same time.
        ConnectionString = await TestDatabase.CreateAsync(typeof(HospitalServer).Assembly.GetName().Name!);
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        var pipeline = new PipelineContext(DataSource, SilverStages.All(), TimeProvider.System, _ => { });
        var messages = GeneratorFeed.Messages(new HospitalSimulator(Hospital).Events(), TimeProvider.System);
        await new FeedStreamWorker(pipeline, GeneratorFeed.SourceName, "dashboard-test", 2000).RunAsync(messages, CancellationToken.None);
        await GoldModels.RunAsync(DataSource, new GoldRunOptions());
        await QualityRunner.RunAsync(DataSource, new QualityRunRequest("dashboard-test", null));
        Server = await CareLakeServer.StartAsync(new WebServerSettings(Port: 0), pipeline, "dashboard-test");
        Client = new HttpClient { BaseAddress = Server.Address, Timeout = TimeSpan.FromMinutes(1) };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        await DataSource.DisposeAsync();
    }

    /// <summary>The fixture database read directly, so the API's numbers can be checked against SQL written in a test.</summary>
    public Task<List<object?[]>> RowsAsync(string sql) => Sql.RowsAsync(ConnectionString, sql);

    public Task<T> ScalarAsync<T>(string sql) => Sql.ScalarAsync<T>(ConnectionString, sql);

    public Task<int> ExecuteAsync(string sql) => Sql.ExecuteAsync(ConnectionString, sql);

    /// <summary>GET an endpoint answering the dashboard's table shape; asserts 200 and the shape.</summary>
    public async Task<ApiTable> TableAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return ApiTable.Parse(body);
    }
}

/// <summary>The dashboard's table shape, read: column names and types, and the rows.</summary>
public sealed record ApiTable(IReadOnlyList<string> Columns, IReadOnlyList<string> Types, IReadOnlyList<JsonElement[]> Rows)
{
    public static ApiTable Parse(string json)
    {
        var root = JsonDocument.Parse(json).RootElement;
        var columns = root.GetProperty("columns").EnumerateArray().ToList();
        var rows = root.GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().ToArray()).ToList();
        foreach (var row in rows) Assert.Equal(columns.Count, row.Length);
        return new ApiTable(
            columns.Select(c => c.GetProperty("name").GetString()!).ToList(),
            columns.Select(c => c.GetProperty("type").GetString()!).ToList(),
            rows);
    }

    public int Index(string column)
    {
        var i = Columns.ToList().IndexOf(column);
        Assert.True(i >= 0, $"no column '{column}' among {string.Join(", ", Columns)}");
        return i;
    }

    public IEnumerable<JsonElement> Column(string column) => Rows.Select(r => r[Index(column)]);
}

[CollectionDefinition(Name)]
public sealed class HospitalServerCollection : ICollectionFixture<HospitalServer>
{
    public const string Name = "hospital server";
}
