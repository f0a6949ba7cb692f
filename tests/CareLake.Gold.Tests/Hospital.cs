using CareLake.Generator;
using CareLake.Ingest.Bronze;
using CareLake.Streaming.Sources;
using CareLake.Streaming.Streaming;
using CareLake.Warehouse.Silver;
using Npgsql;

namespace CareLake.Gold.Tests;

/// <summary>A generated hospital's messages, fed through the real batch commit (bronze → silver, changes recorded).</summary>
internal sealed class Hospital
{
    public Hospital(GeneratorOptions options)
    {
        Options = options;
        Messages = GeneratorFeed.Messages(new HospitalSimulator(options).Events(), TimeProvider.System).ToList();
    }

    public GeneratorOptions Options { get; }

    /// <summary>Every message in feed order; numbered per partition, so any prefix can be fed first and the rest later.</summary>
    public IReadOnlyList<RawMessage> Messages { get; }

    public static Hospital Small(int patients = 150, int days = 20, long seed = 7) => new(new GeneratorOptions
    {
        Patients = patients,
        Days = days,
        Seed = seed,
        Start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, GeneratorOptions.DefaultFacilityUtcOffset),
    });

    public static Task FeedAsync(NpgsqlDataSource dataSource, IEnumerable<RawMessage> messages, int batch = 400)
    {
        var context = new PipelineContext(dataSource, SilverStages.All(), TimeProvider.System, _ => { });
        var worker = new FeedStreamWorker(context, GeneratorFeed.SourceName, "test-worker", batch);
        return worker.RunAsync(messages, CancellationToken.None);
    }
}
