using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CareLake.Core.Configuration;

/// <summary>
/// CareLake's settings. Each comes from, in rising precedence: its default, the config file
/// (<c>carelake.json</c> in the working directory, or the file named by <c>--config</c> / <c>CARELAKE_CONFIG</c>),
/// then environment variables. Validated once at start-up by <see cref="Validate"/>.
/// </summary>
public sealed record CareLakeOptions
{
    /// <summary>
    /// PostgreSQL connection string (<c>Host=…;Database=…</c>) or <c>postgres://user:pass@host:port/db</c> URL.
    /// Null (the default) means local mode: CareLake runs its own PostgreSQL inside <see cref="DataDirectory"/>.
    /// Environment: <c>CARELAKE_DATABASE_URL</c>.
    /// </summary>
    [JsonPropertyName("database_url")]
    public string? DatabaseUrl { get; init; }

    /// <summary>Kafka bootstrap servers. When set, Kafka sources run. Default: none. Environment: <c>CARELAKE_KAFKA_BOOTSTRAP</c>.</summary>
    [JsonPropertyName("kafka_bootstrap")]
    public string? KafkaBootstrap { get; init; }

    /// <summary>Kafka consumer group of the stream workers. Default <c>carelake</c>. Environment: <c>CARELAKE_KAFKA_GROUP</c>.</summary>
    [JsonPropertyName("kafka_group")]
    public string KafkaGroup { get; init; } = "carelake";

    /// <summary>How long the consumer group waits for a silent worker before moving its partitions, in milliseconds. Default 10,000. Environment: <c>CARELAKE_KAFKA_SESSION_TIMEOUT_MS</c>.</summary>
    [JsonPropertyName("kafka_session_timeout_ms")]
    public int KafkaSessionTimeoutMs { get; init; } = 10_000;

    /// <summary>Topics the stream workers consume. Default: every inbound contract topic. Environment: <c>CARELAKE_KAFKA_TOPICS</c> (comma-separated).</summary>
    [JsonPropertyName("kafka_topics")]
    public IReadOnlyList<string> KafkaTopics { get; init; } = Contracts.Topics.Inbound;

    /// <summary>
    /// Where the HL7 v2 MLLP listener accepts connections, as <c>HOST:PORT</c> (e.g. <c>0.0.0.0:2575</c>). Default: none (no
    /// listener). Environment: <c>CARELAKE_MLLP_LISTEN</c>. <c>carelake stream --mllp</c> overrides it.
    /// </summary>
    [JsonPropertyName("mllp_listen")]
    public string? MllpListen { get; init; }

    /// <summary>Largest HL7 message the MLLP listener accepts, in bytes; a larger frame closes the connection. Default 1 MiB. Environment: <c>CARELAKE_MLLP_MAX_MESSAGE_BYTES</c>.</summary>
    [JsonPropertyName("mllp_max_message_bytes")]
    public int MllpMaxMessageBytes { get; init; } = 1 << 20;

    /// <summary>Seconds an MLLP connection may stay silent before it is closed. Default 300. Environment: <c>CARELAKE_MLLP_IDLE_TIMEOUT_SECONDS</c>.</summary>
    [JsonPropertyName("mllp_idle_timeout_seconds")]
    public int MllpIdleTimeoutSeconds { get; init; } = 300;

    /// <summary>Where local state lives (the local PostgreSQL cluster among it). Default <c>./.carelake</c>. Environment: <c>CARELAKE_DATA_DIR</c>.</summary>
    [JsonPropertyName("data_dir")]
    public string DataDirectory { get; init; } = ".carelake";

    /// <summary>Largest number of messages in one bronze micro-batch (one transaction). Default 20,000. Environment: <c>CARELAKE_BATCH_MAX_MESSAGES</c>.</summary>
    [JsonPropertyName("batch_max_messages")]
    public int BatchMaxMessages { get; init; } = 20_000;

    /// <summary>
    /// Micro-batches a worker commits in parallel, each on its own database connection and owning a share
    /// of the partitions. Default 2. Environment: <c>CARELAKE_COMMIT_LANES</c>.
    /// </summary>
    [JsonPropertyName("commit_lanes")]
    public int CommitLanes { get; init; } = 2;

    /// <summary>Largest payload volume of one micro-batch, in bytes. Default 32 MiB. Environment: <c>CARELAKE_BATCH_MAX_BYTES</c>.</summary>
    [JsonPropertyName("batch_max_bytes")]
    public long BatchMaxBytes { get; init; } = 32L << 20;

    /// <summary>
    /// Longest a message waits in an open micro-batch, in milliseconds. A batch also closes as soon as the
    /// source has nothing more ready, so under light load latency stays far below this. Default 200.
    /// Environment: <c>CARELAKE_BATCH_MAX_DELAY_MS</c>.
    /// </summary>
    [JsonPropertyName("batch_max_delay_ms")]
    public int BatchMaxDelayMs { get; init; } = 200;

    /// <summary>Largest payload silver parses, in bytes; larger ones are quarantined (bronze keeps them). Default 1 MiB. Environment: <c>CARELAKE_MAX_PAYLOAD_BYTES</c>.</summary>
    [JsonPropertyName("max_payload_bytes")]
    public int MaxPayloadBytes { get; init; } = 1 << 20;

    /// <summary>Local mode only: the PostgreSQL binaries folder. Default: the newest under <c>/usr/lib/postgresql</c>. Environment: <c>CARELAKE_PG_BIN</c>.</summary>
    [JsonPropertyName("pg_bin")]
    public string? PostgresBinDirectory { get; init; }

    /// <summary>Port of the HTTP ingest API (<c>carelake serve</c>); 0 picks a free one. Default 8080. Environment: <c>CARELAKE_HTTP_PORT</c>.</summary>
    [JsonPropertyName("http_port")]
    public int HttpPort { get; init; } = 8080;

    /// <summary>
    /// Largest request body the HTTP ingest API accepts, in bytes (with or without a Content-Length); larger ones are
    /// refused with 413. 1 KiB–1 GiB; default 16 MiB. Environment: <c>CARELAKE_HTTP_MAX_REQUEST_BYTES</c>.
    /// </summary>
    [JsonPropertyName("http_max_request_bytes")]
    public long HttpMaxRequestBytes { get; init; } = 16L << 20;

    /// <summary>Data-quality settings (config key <c>quality</c>); see <see cref="QualityOptions"/>.</summary>
    [JsonPropertyName("quality")]
    public QualityOptions Quality { get; init; } = new();

    /// <summary>The DAG's schedules, retries, timeouts, concurrency and artifacts (see <see cref="ScheduleOptions"/>). Config key <c>schedule</c>.</summary>
    [JsonPropertyName("schedule")]
    public ScheduleOptions Schedule { get; init; } = new();

    /// <summary>Alert delivery: webhooks, Kafka topics, dedupe, rate limits, monitors (see <see cref="AlertOptions"/>). Config key <c>alerts</c>.</summary>
    [JsonPropertyName("alerts")]
    public AlertOptions Alerts { get; init; } = new();

    public bool IsLocalMode => string.IsNullOrWhiteSpace(DatabaseUrl);

    private static readonly JsonSerializerOptions FileOptions = new()
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Builds the options from an optional config file's text and the environment.</summary>
    /// <exception cref="ConfigurationException">The file or a variable cannot be read.</exception>
    public static CareLakeOptions Load(string? configFileJson, IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var options = new CareLakeOptions();
        if (!string.IsNullOrWhiteSpace(configFileJson))
        {
            try
            {
                options = JsonSerializer.Deserialize<CareLakeOptions>(configFileJson, FileOptions) ?? options;
            }
            catch (JsonException e)
            {
                throw new ConfigurationException($"The config file is not valid: {e.Message}", e);
            }
        }

        string? Env(string name) => environment.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        int? EnvInt(string name) => Env(name) is { } s
            ? int.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : throw new ConfigurationException($"{name} must be a whole number, not '{s}'.")
            : null;

        options = options with
        {
            DatabaseUrl = Env("CARELAKE_DATABASE_URL") ?? options.DatabaseUrl,
            KafkaBootstrap = Env("CARELAKE_KAFKA_BOOTSTRAP") ?? options.KafkaBootstrap,
            KafkaGroup = Env("CARELAKE_KAFKA_GROUP") ?? options.KafkaGroup,
            KafkaSessionTimeoutMs = EnvInt("CARELAKE_KAFKA_SESSION_TIMEOUT_MS") ?? options.KafkaSessionTimeoutMs,
            KafkaTopics = Env("CARELAKE_KAFKA_TOPICS")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? options.KafkaTopics,
            MllpListen = Env("CARELAKE_MLLP_LISTEN") ?? options.MllpListen,
            MllpMaxMessageBytes = EnvInt("CARELAKE_MLLP_MAX_MESSAGE_BYTES") ?? options.MllpMaxMessageBytes,
            MllpIdleTimeoutSeconds = EnvInt("CARELAKE_MLLP_IDLE_TIMEOUT_SECONDS") ?? options.MllpIdleTimeoutSeconds,
            DataDirectory = Env("CARELAKE_DATA_DIR") ?? options.DataDirectory,
            BatchMaxMessages = EnvInt("CARELAKE_BATCH_MAX_MESSAGES") ?? options.BatchMaxMessages,
            CommitLanes = EnvInt("CARELAKE_COMMIT_LANES") ?? options.CommitLanes,
            BatchMaxBytes = EnvInt("CARELAKE_BATCH_MAX_BYTES") ?? options.BatchMaxBytes,
            BatchMaxDelayMs = EnvInt("CARELAKE_BATCH_MAX_DELAY_MS") ?? options.BatchMaxDelayMs,
            MaxPayloadBytes = EnvInt("CARELAKE_MAX_PAYLOAD_BYTES") ?? options.MaxPayloadBytes,
            PostgresBinDirectory = Env("CARELAKE_PG_BIN") ?? options.PostgresBinDirectory,
            HttpPort = EnvInt("CARELAKE_HTTP_PORT") ?? options.HttpPort,
            HttpMaxRequestBytes = EnvInt("CARELAKE_HTTP_MAX_REQUEST_BYTES") ?? options.HttpMaxRequestBytes,
            Quality = options.Quality with
            {
                RetentionDays = EnvInt("CARELAKE_DQ_RETENTION_DAYS") ?? options.Quality.RetentionDays,
                DriftRuns = EnvInt("CARELAKE_DQ_DRIFT_RUNS") ?? options.Quality.DriftRuns,
                StreamChecks = Env("CARELAKE_DQ_STREAM_CHECKS") is { } sc ? bool.TryParse(sc, out var b) ? b : throw new ConfigurationException($"CARELAKE_DQ_STREAM_CHECKS must be true or false, not '{sc}'.") : options.Quality.StreamChecks,
            },

            Alerts = options.Alerts with { Enabled = Env("CARELAKE_ALERTS_ENABLED") is { } on ? on is not ("0" or "false" or "off") : options.Alerts.Enabled },
        };
        options.Validate();
        return options;
    }

    /// <summary>Reads the config file (if any) and the process environment.</summary>
    public static CareLakeOptions FromEnvironment(string? configPath = null)
    {
        var environment = Environment.GetEnvironmentVariables()
            .Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);
        configPath ??= environment.GetValueOrDefault("CARELAKE_CONFIG");
        string? json = null;
        if (configPath is not null)
        {
            json = File.Exists(configPath) ? File.ReadAllText(configPath) : throw new ConfigurationException($"The config file {configPath} does not exist.");
        }
        else if (File.Exists("carelake.json"))
        {
            json = File.ReadAllText("carelake.json");
        }

        return Load(json, environment);
    }

    /// <exception cref="ConfigurationException">A setting is out of range.</exception>
    public void Validate()
    {
        Require(BatchMaxMessages is >= 1 and <= 1_000_000, "batch_max_messages must be 1–1,000,000");
        Require(CommitLanes is >= 1 and <= 16, "commit_lanes must be 1–16");
        Require(BatchMaxBytes >= 1 << 20, "batch_max_bytes must be at least 1 MiB");
        Require(BatchMaxDelayMs is >= 1 and <= 60_000, "batch_max_delay_ms must be 1–60,000");
        Require(MaxPayloadBytes >= 1024, "max_payload_bytes must be at least 1 KiB");
        Require(KafkaSessionTimeoutMs is >= 1_000 and <= 300_000, "kafka_session_timeout_ms must be 1,000–300,000");
        Require(KafkaTopics.Count > 0, "kafka_topics must name at least one topic");
        Require(MllpListen is null || HostPort.TryParse(MllpListen, out _), "mllp_listen must be HOST:PORT, e.g. 0.0.0.0:2575");
        Require(MllpMaxMessageBytes >= 1024, "mllp_max_message_bytes must be at least 1 KiB");
        Require(MllpIdleTimeoutSeconds is >= 1 and <= 86_400, "mllp_idle_timeout_seconds must be 1–86,400");
        Require(!string.IsNullOrWhiteSpace(KafkaGroup), "kafka_group must not be empty");
        Require(!string.IsNullOrWhiteSpace(DataDirectory), "data_dir must not be empty");
        Require(HttpPort is >= 0 and <= 65_535, "http_port must be 0–65,535");
        Require(HttpMaxRequestBytes is >= 1024 and <= 1L << 30, "http_max_request_bytes must be 1 KiB–1 GiB");
        Quality.Validate();
        Schedule.Validate();

        Alerts.Validate();
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new ConfigurationException($"Invalid setting: {message}.");
    }
}

/// <summary>A <c>HOST:PORT</c> network address as settings write it (an IPv6 host in brackets: <c>[::1]:2575</c>).</summary>
public static class HostPort
{
    public static bool TryParse(string text, out System.Net.IPEndPoint? endPoint)
    {
        endPoint = null;
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 0 or > 65535) return false;
        var host = text[..colon].Trim('[', ']');
        if (host is "localhost") host = "127.0.0.1";
        if (!System.Net.IPAddress.TryParse(host, out var address)) return false;
        endPoint = new System.Net.IPEndPoint(address, port);
        return true;
    }
}

/// <summary>A setting is missing or invalid; the message says which and how to fix it.</summary>
public sealed class ConfigurationException : Exception
{
    public ConfigurationException(string message) : base(message) { }
    public ConfigurationException(string message, Exception inner) : base(message, inner) { }
    public ConfigurationException() { }
}
