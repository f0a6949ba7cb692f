using CareLake.Generator;
using CareLake.Streaming.Sources;
using CareLake.Streaming.Streaming;
using CareLake.Testing;
using CareLake.Warehouse.Gold;
using CareLake.Warehouse.Silver;
using CareLake.Web;
using Npgsql;

namespace CareLake.Dashboard.Tests;

/// <summary>
/// The analytics and vitals views need a hospital with history: 30-day readmissions only count stays whose 30 days of
/// follow-up lie inside the data, and the rates, LOS and LACE distributions need more than a handful of stays. So these
/// views are tested on their own server over 1,500 patients and 120 days up to now (the same pipeline as
/// <see cref="HospitalServer"/>: generator → bronze → silver → gold).
/// </summary>
public sealed class AnalyticsHospital : IAsyncLifetime
{
    public static readonly GeneratorOptions Hospital = new()
    {
        Patients = 1_500,
        Days = 120,
        Seed = 11,
        Start = GeneratorOptions.PeriodEndingAt(DateTimeOffset.UtcNow, 120, GeneratorOptions.DefaultFacilityUtcOffset),
    };

    public NpgsqlDataSource DataSource { get; private set; } = null!;
    public CareLakeServer Server { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await TestDatabase.CreateAsync("dashboard_analytics");
        DataSource = NpgsqlDataSource.Create(connectionString);
        var pipeline = new PipelineContext(DataSource, SilverStages.All(), TimeProvider.System, _ => { });
        var messages = GeneratorFeed.Messages(new HospitalSimulator(Hospital).Events(), TimeProvider.System);
        await new FeedStreamWorker(pipeline, GeneratorFeed.SourceName, "dashboard-analytics-test", 2000).RunAsync(messages, CancellationToken.None);
        await GoldModels.RunAsync(DataSource, new GoldRunOptions());
        Server = await CareLakeServer.StartAsync(new WebServerSettings(Port: 0), pipeline, "dashboard-analytics-test");
        Client = new HttpClient { BaseAddress = Server.Address, Timeout = TimeSpan.FromMinutes(1) };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        await DataSource.DisposeAsync();
    }

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

[CollectionDefinition(Name)]
public sealed class AnalyticsHospitalCollection : ICollectionFixture<AnalyticsHospital>
{
    public const string Name = "analytics hospital";
}
