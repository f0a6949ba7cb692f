using System.CommandLine;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CareLake.Core.Contracts;
using CareLake.Core.Scoring;

namespace CareLake.Cli.Commands;

/// <summary>
/// <c>carelake score lace</c> and <c>carelake score charlson</c>: score one JSON object per line from standard input
/// and write one JSON object per line, with the same <c>id</c>, to standard output. A line that cannot be scored gives
/// a line with <c>error</c> (reason, message, field) and the <c>id</c> when it could be read; the next line is scored.
/// </summary>
public static class ScoreCommand
{
    public static Command Create()
    {
        var lace = new Command("lace",
            "LACE index for 30-day death or unplanned readmission. Reads lines like " +
            "{\"id\":\"a\",\"los_days\":4,\"emergent\":true,\"charlson\":2,\"ed_visits_6m\":1} (los_days: discharge date - admission date; " +
            "charlson: the 1987-weight Charlson index; ed_visits_6m: ED visits in the 6 months before admission) and writes " +
            "{\"id\":\"a\",\"lace\":10,\"band\":\"high\",\"l\":4,\"a\":3,\"c\":2,\"e\":1}, or error with the reason.");
        lace.SetAction((_, cancellationToken) => RunOnConsole(ScoreLaceLine, cancellationToken));

        var charlson = new Command("charlson",
            "Charlson Comorbidity Index from ICD-10(-CM) codes (Quan 2005 coding). Reads lines like " +
            "{\"id\":\"b\",\"codes\":[\"I50.9\",\"E11.22\"]} and writes {\"id\":\"b\",\"charlson\":3,\"charlson_quan2011\":3,\"conditions\":[...]}: " +
            "the 1987-weight index, the Quan 2011-weight index and the conditions counted; unknown codes are ignored.");
        charlson.SetAction((_, cancellationToken) => RunOnConsole(ScoreCharlsonLine, cancellationToken));

        return new Command("score", "Clinical risk scores over JSON lines on standard input.") { lace, charlson };
    }

    public static async Task Run(TextReader input, TextWriter output, Func<string, string> scoreLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(scoreLine);
        while (await input.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                await output.WriteLineAsync(scoreLine(line));
            }
        }

        await output.FlushAsync(cancellationToken);
    }

    /// <summary>One <c>score lace</c> input line to its output line.</summary>
    public static string ScoreLaceLine(string line) => ScoreObject(line, (root, json) =>
    {
        var los = ReadInt(root, "los_days");
        if (!los.IsSuccess) return los.Rejection;
        var emergent = ReadBool(root, "emergent");
        if (!emergent.IsSuccess) return emergent.Rejection;
        var charlson = ReadInt(root, "charlson");
        if (!charlson.IsSuccess) return charlson.Rejection;
        var visits = ReadInt(root, "ed_visits_6m");
        if (!visits.IsSuccess) return visits.Rejection;

        var scored = Lace.Score(los.Value!.Number, emergent.Value!.Flag, charlson.Value!.Number, visits.Value!.Number);
        if (!scored.IsSuccess) return scored.Rejection;

        var score = scored.Value!;
        json.WriteNumber("lace", score.Total);
        json.WriteString("band", score.Band.Code());
        json.WriteNumber("l", score.LengthOfStay);
        json.WriteNumber("a", score.Acuity);
        json.WriteNumber("c", score.Comorbidity);
        json.WriteNumber("e", score.EmergencyVisits);
        return null;
    });

    /// <summary>One <c>score charlson</c> input line to its output line.</summary>
    public static string ScoreCharlsonLine(string line) => ScoreObject(line, (root, json) =>
    {
        if (!root.TryGetProperty("codes", out var codes) || codes.ValueKind == JsonValueKind.Null)
        {
            return new Rejection(RejectionReason.MissingField, "codes is required", "codes");
        }

        if (codes.ValueKind != JsonValueKind.Array || codes.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.String))
        {
            return new Rejection(RejectionReason.WrongType, "codes must be an array of strings", "codes");
        }

        var result = Charlson.Score(codes.EnumerateArray().Select(c => c.GetString()));
        json.WriteNumber("charlson", result.Index);
        json.WriteNumber("charlson_quan2011", result.IndexQuan2011);
        json.WriteStartArray("conditions");
        foreach (var condition in result.Conditions) json.WriteStringValue(condition.Code());
        json.WriteEndArray();
        return null;
    });

    private static async Task<int> RunOnConsole(Func<string, string> scoreLine, CancellationToken cancellationToken)
    {
        using var input = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false, false));
        await using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false };
        await Run(input, output, scoreLine, cancellationToken);
        return 0;
    }

    /// <summary>
    /// Parses the line as a JSON object, writes its <c>id</c> (null when absent or not a string or number), then lets
    /// <paramref name="writeScore"/> write the result fields, or writes the rejection it returns as <c>error</c>;
    /// <paramref name="writeScore"/> returns a rejection before writing any field.
    /// </summary>
    private static string ScoreObject(string line, Func<JsonElement, Utf8JsonWriter, Rejection?> writeScore)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            var document = Parse(line);
            if (document is null)
            {
                json.WriteNull("id");
                WriteError(json, new Rejection(RejectionReason.MalformedJson, "the line is not valid JSON"));
            }
            else
            {
                using (document)
                {
                    var root = document.RootElement;
                    WriteId(json, root);
                    if (root.ValueKind != JsonValueKind.Object)
                    {
                        WriteError(json, new Rejection(RejectionReason.NotAnObject, "the line is not a JSON object"));
                    }
                    else if (writeScore(root, json) is { } rejection)
                    {
                        WriteError(json, rejection);
                    }
                }
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static JsonDocument? Parse(string line)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void WriteId(Utf8JsonWriter json, JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("id", out var id) &&
            id.ValueKind is JsonValueKind.String or JsonValueKind.Number)
        {
            json.WritePropertyName("id");
            id.WriteTo(json);
        }
        else
        {
            json.WriteNull("id");
        }
    }

    private static void WriteError(Utf8JsonWriter json, Rejection rejection)
    {
        json.WriteStartObject("error");
        json.WriteString("reason", rejection.Code);
        json.WriteString("message", rejection.Message);
        if (rejection.Field is not null) json.WriteString("field", rejection.Field);
        json.WriteEndObject();
    }

    private sealed record IntField(int Number);

    private sealed record BoolField(bool Flag);

    private static ParseResult<IntField> ReadInt(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return new Rejection(RejectionReason.MissingField, $"{field} is required", field);
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? new IntField(number)
            : new Rejection(RejectionReason.WrongType, $"{field} must be a 32-bit whole number", field);
    }

    private static ParseResult<BoolField> ReadBool(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return new Rejection(RejectionReason.MissingField, $"{field} is required", field);
        }

        return value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? new BoolField(value.GetBoolean())
            : new Rejection(RejectionReason.WrongType, $"{field} must be true or false", field);
    }
}
