using System.CommandLine;

// End-to-end benchmarks that print figures (events/s, latency percentiles, memory). Run in Release:
//   dotnet run -c Release --project bench/CareLake.Bench -- <scenario> [options]
var root = new RootCommand("CareLake benchmarks: each scenario prints its figures and the machine it ran on.")
{
    CareLake.Bench.Scenarios.PipelineBenchmark.Create(),
    CareLake.Bench.Scenarios.KafkaFeedProcess.Create(),
    CareLake.Bench.Scenarios.GeneratorBenchmark.Create(),
    CareLake.Bench.Scenarios.SilverPrepareBenchmark.Create(),
    CareLake.Bench.Scenarios.ImportBenchmark.Create(),
    CareLake.Bench.Scenarios.MllpBenchmark.Create(),
    CareLake.Bench.Scenarios.HttpIngestBenchmark.Create(),
    CareLake.Bench.Scenarios.GoldBenchmark.Create(),
    CareLake.Bench.Scenarios.DagBenchmark.Create(),
    CareLake.Bench.Scenarios.AlertsBenchmark.Create(),
    CareLake.Bench.Scenarios.DashboardBenchmark.Create(),
};

return await root.Parse(args).InvokeAsync();
