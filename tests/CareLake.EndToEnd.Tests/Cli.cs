namespace CareLake.EndToEnd.Tests;

internal static class Cli
{
    public static Dictionary<string, string> Environment(string connectionString, string? bootstrap = null, params (string Key, string Value)[] extra)
    {
        var env = new Dictionary<string, string>
        {
            ["CARELAKE_DATABASE_URL"] = connectionString,
            ["CARELAKE_KAFKA_TOPICS"] = "patient_vitals",
            ["CARELAKE_KAFKA_SESSION_TIMEOUT_MS"] = "6000",
        };
        if (bootstrap is not null) env["CARELAKE_KAFKA_BOOTSTRAP"] = bootstrap;
        foreach (var (k, v) in extra) env[k] = v;
        return env;
    }
}
