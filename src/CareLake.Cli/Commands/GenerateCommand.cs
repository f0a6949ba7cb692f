using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using CareLake.Core.Scoring;
using CareLake.Generator;
using CareLake.Generator.DirtyData;
using CareLake.Generator.Outputs;
using CareLake.Generator.Outputs.Fhir;
using CareLake.Generator.Outputs.Hl7;
using CareLake.Generator.Outputs.Kafka;
using CareLake.Generator.Outputs.Mllp;
using CareLake.Generator.Outputs.Ndjson;
using CareLake.Generator.Outputs.SyntheaCsv;
using Spectre.Console;

namespace CareLake.Cli.Commands;

/// <summary><c>carelake generate</c>: the synthetic hospital, written to Kafka, files or an MLLP listener.</summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var preset = new Option<string?>("--preset")
        {
            Description = "Named size: tiny (200 patients, 30 days), demo (2,000 patients, 90 days, dirty data on) or full (63,000 patients, 365 days). Other options override it.",
        };
        preset.AcceptOnlyFromAmong([.. GeneratorOptions.PresetNames]);
        var patients = new Option<int?>("--patients") { Description = "Number of patients in the population. Default 2,000 (or the preset's)." };
        var days = new Option<int?>("--days") { Description = "Length of the simulated period in days. Default 30 (or the preset's)." };
        var seed = new Option<long?>("--seed") { Description = "Random seed; the same options and seed give byte-identical output. Default 42." };
        var start = new Option<string?>("--start")
        {
            Description = "First day of the period (YYYY-MM-DD, facility time). Default: today minus --days, so the period ends at the last midnight and no event lies in the future.",
        };
        var targets = new Option<string[]>("--to")
        {
            Description = "Output (repeatable): kafka, kafka:BOOTSTRAP, ndjson:DIR, hl7:DIR, mllp:HOST:PORT, fhir:DIR or synthea-csv:DIR. Without any, only the summary is printed.",
            AllowMultipleArgumentsPerToken = true,
        };
        var rate = new Option<double?>("--rate") { Description = "Send at most this many events per second (wall clock). Default: as fast as possible." };
        var speed = new Option<double?>("--speed")
        {
            Description = "Replay simulated time at this factor of real time instead (1 = real time, 3600 = one simulated hour per second).",
        };
        var bootstrap = new Option<string?>("--bootstrap") { Description = "Kafka bootstrap servers. Default: CARELAKE_KAFKA_BOOTSTRAP / kafka_bootstrap." };
        var partitions = new Option<int?>("--kafka-partitions") { Description = "Create missing topics with this many partitions before producing. Default: leave topic creation to the broker." };
        var wardInterval = new Option<double?>("--vitals-interval") { Description = "Minutes between vital-sign sets of stable ward patients (60–720). Default 240." };
        var icuInterval = new Option<double?>("--icu-vitals-interval") { Description = "Minutes between ICU bedside-monitor sets (1–60). Default 15." };
        var mllpTimeout = new Option<double>("--mllp-timeout") { Description = "Seconds to wait for each HL7 ACK over MLLP.", DefaultValueFactory = _ => 30 };
        var noAccessLogs = new Option<bool>("--no-access-logs") { Description = "Leave out EHR access-log (ehr_access) events." };
        var dirty = new Option<bool>("--dirty") { Description = "Turn on the demo mix of dirty data (about 5% of messages damaged, duplicated, late or out of order)." };
        var clean = new Option<bool>("--clean") { Description = "Turn dirty data off (e.g. for the demo preset)." };
        var dirtyRates = new (Option<double?> Option, Func<DirtyDataOptions, double, DirtyDataOptions> Apply)[]
        {
            (new Option<double?>("--dirty-duplicate") { Description = "Share of messages sent twice (same event_id)." }, static (d, r) => d with { DuplicateRate = r }),
            (new Option<double?>("--dirty-late") { Description = "Share of messages delivered 10 minutes to 6 hours late." }, static (d, r) => d with { LateRate = r }),
            (new Option<double?>("--dirty-out-of-order") { Description = "Share of messages delivered after the patient's next event." }, static (d, r) => d with { OutOfOrderRate = r }),
            (new Option<double?>("--dirty-fahrenheit") { Description = "Share of vital-sign sets with the temperature in °F." }, static (d, r) => d with { FahrenheitRate = r }),
            (new Option<double?>("--dirty-missing-field") { Description = "Share of messages missing a required field." }, static (d, r) => d with { MissingFieldRate = r }),
            (new Option<double?>("--dirty-implausible") { Description = "Share of vital-sign sets with a physiologically impossible value." }, static (d, r) => d with { ImplausibleValueRate = r }),
            (new Option<double?>("--dirty-malformed") { Description = "Share of messages that are not valid JSON." }, static (d, r) => d with { MalformedJsonRate = r }),
            (new Option<double?>("--dirty-wrong-type") { Description = "Share of messages with a field of the wrong JSON type." }, static (d, r) => d with { WrongTypeRate = r }),
        };

        var command = new Command("generate",
            "Simulate a hospital (population, admissions and discharges, diagnoses, labs, vitals with deterioration, EHR access logs) " +
            "and write its events to Kafka, NDJSON, HL7 v2 files or MLLP, FHIR bulk NDJSON or Synthea CSV. The output depends only on the options.")
        {
            preset, patients, days, seed, start, targets, rate, speed, bootstrap, partitions, wardInterval, icuInterval, mllpTimeout, noAccessLogs, dirty, clean,
        };
        foreach (var (option, _) in dirtyRates) command.Options.Add(option);

        command.SetAction(async (context, parseResult) =>
        {
            GeneratorOptions options;
            List<Target> parsedTargets;
            EventPacer? pacer;
            try
            {
                options = parseResult.GetValue(preset) is { } name ? GeneratorOptions.Preset(name) : new GeneratorOptions();
                options = options with
                {
                    Patients = parseResult.GetValue(patients) ?? options.Patients,
                    Days = parseResult.GetValue(days) ?? options.Days,
                    Seed = parseResult.GetValue(seed) ?? options.Seed,
                    WardVitalsInterval = parseResult.GetValue(wardInterval) is { } ward ? TimeSpan.FromMinutes(ward) : options.WardVitalsInterval,
                    IcuVitalsInterval = parseResult.GetValue(icuInterval) is { } icu ? TimeSpan.FromMinutes(icu) : options.IcuVitalsInterval,
                    AccessLogs = options.AccessLogs with { Enabled = !parseResult.GetValue(noAccessLogs) },
                };
                options = options with { Start = ParseStart(parseResult.GetValue(start), options, context.Time) };
                var dirtyData = parseResult.GetValue(clean) ? DirtyDataOptions.Off : parseResult.GetValue(dirty) ? DirtyDataOptions.Demo : options.DirtyData;
                foreach (var (option, apply) in dirtyRates)
                {
                    if (parseResult.GetValue(option) is { } value) dirtyData = apply(dirtyData, value);
                }

                options = options with { DirtyData = dirtyData };
                if (options.WardVitalsInterval < options.EscalatedVitalsInterval) options = options with { EscalatedVitalsInterval = options.WardVitalsInterval };
                options.Validate();
                parsedTargets = (parseResult.GetValue(targets) ?? []).Select(Target.Parse).ToList();
                pacer = EventPacer.Create(parseResult.GetValue(rate), parseResult.GetValue(speed), context.Time);
            }
            catch (ArgumentException e)
            {
                CliContext.Log($"error: {e.Message}");
                return CommandRunner.Misconfigured;
            }

            var kafkaBootstrap = parseResult.GetValue(bootstrap) ?? context.Options.KafkaBootstrap;
            if (parsedTargets.Any(t => t.Kind == "kafka" && t.Argument is null) && string.IsNullOrWhiteSpace(kafkaBootstrap))
            {
                CliContext.Log("error: --to kafka needs Kafka bootstrap servers: pass --bootstrap HOST:PORT, use --to kafka:HOST:PORT, or set CARELAKE_KAFKA_BOOTSTRAP.");
                return CommandRunner.Misconfigured;
            }

            var simulator = new HospitalSimulator(options);
            var clinicalSinks = new List<IClinicalEventSink>();
            var contractSinks = new List<IContractEventSink>();
            try
            {
                foreach (var target in parsedTargets)
                {
                    switch (target.Kind)
                    {
                        case "kafka":
                            contractSinks.Add(new KafkaEventSink(target.Argument ?? kafkaBootstrap!, new KafkaSinkOptions { CreateTopicsWithPartitions = parseResult.GetValue(partitions) }));
                            break;
                        case "ndjson":
                            contractSinks.Add(new NdjsonFileSink(target.Argument!));
                            break;
                        case "hl7":
                            clinicalSinks.Add(new Hl7FileSink(target.Argument!, options.FacilityId, simulator.RunTag));
                            break;
                        case "mllp":
                            var (host, port) = target.HostAndPort();
                            clinicalSinks.Add(new MllpSink(new MllpClient(host, port, new MllpClientOptions { AckTimeout = TimeSpan.FromSeconds(parseResult.GetValue(mllpTimeout)) }),
                                options.FacilityId, simulator.RunTag));
                            break;
                        case "fhir":
                            clinicalSinks.Add(new FhirBulkSink(target.Argument!, options.FacilityId));
                            break;
                        case "synthea-csv":
                            clinicalSinks.Add(new SyntheaCsvSink(target.Argument!, options.FacilityId));
                            break;
                    }
                }

                var run = new GeneratorRun(simulator, clinicalSinks, contractSinks, pacer);
                CliContext.Log($"simulating {options.Patients:N0} patients over {options.Days} days from {options.PeriodStart:yyyy-MM-dd} (seed {options.Seed}) " +
                               $"to {(parsedTargets.Count == 0 ? "nowhere (summary only)" : string.Join(", ", clinicalSinks.Select(s => s.Description).Concat(contractSinks.Select(s => s.Description))))}");
                var stopwatch = Stopwatch.StartNew();
                await RunWithProgressAsync(run, options, context.Stopping);
                stopwatch.Stop();
                PrintSummary(simulator.Summary, stopwatch.Elapsed, contractSinks.Count > 0);
                var failed = false;
                foreach (var sink in clinicalSinks.OfType<MllpSink>()) failed |= PrintMllpReport(sink);
                foreach (var sink in contractSinks.OfType<KafkaEventSink>())
                {
                    AnsiConsole.MarkupLine($"kafka: [green]{sink.Delivered:N0}[/] messages delivered to {Markup.Escape(sink.Description)}");
                }

                return failed ? CommandRunner.Failed : 0;
            }
            catch (Exception e) when (e is MllpException or KafkaDeliveryException or Confluent.Kafka.KafkaException or IOException or UnauthorizedAccessException)
            {
                CliContext.Log($"error: {e.Message}");
                return CommandRunner.Failed;
            }
            finally
            {
                foreach (var sink in clinicalSinks) sink.Dispose();
                foreach (var sink in contractSinks) sink.Dispose();
            }
        });
        return command;
    }

    private static DateTimeOffset ParseStart(string? text, GeneratorOptions options, TimeProvider time)
    {
        if (text is null) return GeneratorOptions.PeriodEndingAt(time.GetUtcNow(), options.Days, options.FacilityUtcOffset);
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw new ArgumentException($"--start must be a date like 2026-01-01, not '{text}'");
        }

        return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), options.FacilityUtcOffset);
    }

    private static async Task RunWithProgressAsync(GeneratorRun run, GeneratorOptions options, CancellationToken stopping)
    {
        var progress = new LatestProgress(new GeneratorProgress(options.PeriodStart, 0, 0, 0));
        var work = Task.Run(() => run.Run(progress, stopping), stopping);
        if (!CliContext.Interactive)
        {
            while (await Task.WhenAny(work, Task.Delay(TimeSpan.FromSeconds(10), stopping)) != work)
            {
                var p = progress.Latest;
                CliContext.Log($"{p.Fraction:P0} simulated (to {p.SimulatedTime:yyyy-MM-dd}), {p.ClinicalEvents:N0} events");
            }

            await work;
            return;
        }

        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask($"{options.Patients:N0} patients, {options.Days} days", maxValue: 1);
                while (!work.IsCompleted)
                {
                    await Task.WhenAny(work, Task.Delay(200, CancellationToken.None));
                    var p = progress.Latest;
                    task.Value = p.Fraction;
                    task.Description = $"{p.SimulatedTime:yyyy-MM-dd} · {p.ClinicalEvents:N0} events";
                }

                task.Value = 1;
                await work;
            });
    }

    private static void PrintSummary(GenerationSummary summary, TimeSpan elapsed, bool contractStream)
    {
        var events = summary.ClinicalEvents;
        AnsiConsole.MarkupLine($"[bold]{summary.Patients:N0} patients, {summary.PeriodStart:yyyy-MM-dd} to {summary.PeriodEnd:yyyy-MM-dd}[/]: " +
                               $"{events:N0} events in {elapsed.TotalSeconds:N1} s ({events / Math.Max(elapsed.TotalSeconds, 1e-3):N0}/s)");
        var table = new Table().AddColumn("event type").AddColumn(new TableColumn("events").RightAligned());
        if (contractStream) table.AddColumn(new TableColumn("messages sent").RightAligned());
        foreach (var (type, count) in summary.ClinicalEventsByType.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var row = new List<string> { type, count.ToString("N0", CultureInfo.InvariantCulture) };
            if (contractStream) row.Add(summary.EmittedByType.GetValueOrDefault(type).ToString("N0", CultureInfo.InvariantCulture));
            table.AddRow([.. row]);
        }

        AnsiConsole.Write(table);
        var bands = summary.News2Bands;
        double Share(News2Band band) => summary.News2ScoredSets == 0 ? 0 : (double)bands[band] / summary.News2ScoredSets;
        static void Fact(string label, string value) => Console.Out.WriteLine($"{label,-22} {value}");
        Fact("inpatient admissions", $"{summary.InpatientAdmissions:N0} (completed {summary.CompletedInpatientStays:N0}); ED visits {summary.EmergencyVisits:N0}; observation stays {summary.ObservationStays:N0}");
        Fact("length of stay", $"mean {summary.MeanLengthOfStayDays:N2} d, median {summary.MedianLengthOfStayDays:N2} d, 90th percentile {summary.P90LengthOfStayDays:N2} d");
        Fact("30-day readmission", $"{summary.ReadmissionRate:P1} ({summary.Readmissions:N0} of {summary.ReadmissionIndexStays:N0} index stays, clinical.md §5.3)");
        Fact("in-hospital deaths", $"{summary.InHospitalDeaths:N0} ({summary.InHospitalMortality:P1} of admissions); ICU transfers {summary.IcuTransfers:N0}");
        Fact("cancellations", $"{summary.CancelledAdmits:N0} admits, {summary.CancelledDischarges:N0} discharges; demographic updates {summary.DemographicUpdates:N0}");
        Fact("NEWS2 (scored sets)", $"{summary.News2ScoredSets:N0}: low {Share(News2Band.Low):P1}, low-medium {Share(News2Band.LowMedium):P1}, medium {Share(News2Band.Medium):P1}, high {Share(News2Band.High):P1}");
        var suspicious = summary.AccessEventsByPattern.Where(kv => kv.Key != Generator.Model.AccessPattern.Routine).OrderBy(kv => kv.Key)
            .Select(kv => $"{kv.Key} {kv.Value:N0}");
        Fact("suspicious access", string.Join(", ", suspicious));
        if (summary.DirtyEvents.Count > 0)
        {
            Fact("dirty messages", string.Join(", ", summary.DirtyEvents.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value:N0}")));
        }
    }

    /// <returns>True when some message was not accepted.</returns>
    private static bool PrintMllpReport(MllpSink sink)
    {
        var report = sink.Report;
        AnsiConsole.MarkupLine($"mllp {Markup.Escape(sink.Description)}: {report.Sent:N0} messages sent, [green]{report.Accepted:N0} accepted[/], " +
                               $"{(report.Rejected > 0 ? "[red]" : "")}{report.Rejected:N0} rejected{(report.Rejected > 0 ? "[/]" : "")}");
        foreach (var r in report.Rejections.Take(10))
        {
            AnsiConsole.MarkupLine($"  [red]{Markup.Escape(r.Code)}[/] for {Markup.Escape(r.MessageType)} {Markup.Escape(r.ControlId)}: {Markup.Escape(r.Text ?? "(no reason given)")}");
        }

        return report.Rejected > 0;
    }

    /// <summary>Keeps the last progress report for the display loop to read.</summary>
    private sealed class LatestProgress(GeneratorProgress initial) : IProgress<GeneratorProgress>
    {
        private readonly Lock _lock = new();
        private GeneratorProgress _latest = initial;

        public GeneratorProgress Latest
        {
            get
            {
                lock (_lock) return _latest;
            }
        }

        public void Report(GeneratorProgress value)
        {
            lock (_lock) _latest = value;
        }
    }

    /// <summary>One <c>--to</c> value: kind and argument.</summary>
    private sealed record Target(string Kind, string? Argument)
    {
        private static readonly string[] Kinds = ["kafka", "ndjson", "hl7", "mllp", "fhir", "synthea-csv"];

        public static Target Parse(string text)
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            var kind = (colon < 0 ? text : text[..colon]).Trim().ToLowerInvariant();
            var argument = colon < 0 ? null : text[(colon + 1)..].Trim();
            if (!Kinds.Contains(kind)) throw new ArgumentException($"unknown output '{text}'; use kafka, ndjson:DIR, hl7:DIR, mllp:HOST:PORT, fhir:DIR or synthea-csv:DIR");
            if (kind != "kafka" && string.IsNullOrEmpty(argument)) throw new ArgumentException($"--to {kind} needs a {(kind == "mllp" ? "HOST:PORT" : "directory")}, e.g. {kind}:{(kind == "mllp" ? "localhost:2575" : "./out")}");
            var target = new Target(kind, string.IsNullOrEmpty(argument) ? null : argument);
            if (kind == "mllp") _ = target.HostAndPort();
            return target;
        }

        public (string Host, int Port) HostAndPort()
        {
            var colon = Argument!.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(Argument[(colon + 1)..], CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                throw new ArgumentException($"--to mllp needs HOST:PORT, e.g. mllp:localhost:2575; got '{Argument}'");
            }

            return (Argument[..colon], port);
        }
    }
}
