using System.CommandLine;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CareLake.Core.Scoring;
using CareLake.Core.Vitals;

namespace CareLake.Cli.Commands;

/// <summary><c>carelake news2</c>: scores vital_signs events from standard input, one JSON object per line.</summary>
public static class News2Command
{
    public static Command Create()
    {
        var command = new Command("news2", "Score vital-sign events (the vital_signs contract, one JSON object per line) read from standard input. " +
            "Writes one JSON object per line: event_id, news2_score, news2_band, subscores, or error with the reason.");
        command.SetAction(async (_, cancellationToken) =>
        {
            using var input = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false, false));
            await using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false };
            await Run(input, output, TimeProvider.System, cancellationToken);
            return 0;
        });
        return command;
    }

    public static async Task Run(TextReader input, TextWriter output, TimeProvider time, CancellationToken cancellationToken)
    {
        var parser = new VitalSignsParser();
        while (await input.ReadLineAsync(cancellationToken) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            await output.WriteLineAsync(ScoreLine(parser, line, time.GetUtcNow()));
        }

        await output.FlushAsync(cancellationToken);
    }

    public static string ScoreLine(VitalSignsParser parser, string line, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(parser);
        var parsed = parser.Parse(Encoding.UTF8.GetBytes(line ?? ""), now);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (!parsed.IsSuccess)
            {
                var rejection = parsed.Rejection!;
                if (rejection.EventId is null) json.WriteNull("event_id");
                else json.WriteString("event_id", rejection.EventId);
                json.WriteStartObject("error");
                json.WriteString("reason", rejection.Code);
                json.WriteString("message", rejection.Message);
                if (rejection.Field is not null) json.WriteString("field", rejection.Field);
                json.WriteEndObject();
            }
            else
            {
                var vitals = parsed.Value!;
                var news2 = News2.Score(vitals.News2Input);
                json.WriteString("event_id", vitals.EventId);
                if (news2.Total is { } total) json.WriteNumber("news2_score", total);
                else json.WriteNull("news2_score");
                if (news2.Band is { } band) json.WriteString("news2_band", band.Code());
                else json.WriteNull("news2_band");
                json.WriteBoolean("complete", news2.IsComplete);
                json.WriteStartObject("subscores");
                WriteScore(json, "respiratory_rate", news2.SubScores.RespiratoryRate);
                WriteScore(json, "spo2", news2.SubScores.Spo2);
                WriteScore(json, "supplemental_oxygen", news2.SubScores.Oxygen);
                WriteScore(json, "systolic_bp", news2.SubScores.SystolicBp);
                WriteScore(json, "heart_rate", news2.SubScores.HeartRate);
                WriteScore(json, "consciousness", news2.SubScores.Consciousness);
                WriteScore(json, "temperature", news2.SubScores.Temperature);
                json.WriteEndObject();
                if (!news2.IsComplete)
                {
                    json.WriteStartArray("missing");
                    foreach (var name in news2.MissingParameters) json.WriteStringValue(name);
                    json.WriteEndArray();
                }
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteScore(Utf8JsonWriter json, string name, int? score)
    {
        if (score is { } s) json.WriteNumber(name, s);
        else json.WriteNull(name);
    }
}
