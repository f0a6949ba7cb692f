using System.Net;
using CareLake.Core.Configuration;

namespace CareLake.Web;

/// <summary>How the HTTP ingest API listens and what it accepts.</summary>
/// <param name="Host">The IP address to bind (<c>127.0.0.1</c> by default; <c>0.0.0.0</c> for every interface; <c>localhost</c> means 127.0.0.1).</param>
/// <param name="Port">The TCP port; 0 picks a free one (read it from <see cref="CareLakeServer.Address"/>).</param>
/// <param name="MaxRequestBytes">Largest request body; larger ones are answered 413, whether sized or chunked.</param>
/// <param name="MaxRecordsPerRequest">Most records (events, resources, messages) one request may carry; more are answered 413.</param>
/// <param name="CommitLanes">
/// Commits in flight at once, each on its own connection (requests are spread over them); while one lane's transaction
/// commits, the next prepares its silver rows. Default 2 (<c>commit_lanes</c>).
/// </param>
/// <param name="CommitTimeout">
/// Longest a request waits for its commit. Past it the answer is 503: the messages may still commit later, and a
/// resend is then counted by silver as duplicates, never as second facts.
/// </param>
/// <param name="KafkaBootstrap">The Kafka cluster the Operations view and /metrics read topics, end offsets and lag from (<c>kafka_bootstrap</c>); null: none.</param>
public sealed record WebServerSettings(
    string Host = WebServerSettings.DefaultHost,
    int Port = 8080,
    long MaxRequestBytes = 16L << 20,
    int MaxRecordsPerRequest = 100_000,
    int CommitLanes = 2,
    TimeSpan? CommitTimeout = null,
    string? KafkaBootstrap = null)
{
    public const string DefaultHost = "127.0.0.1";

    public TimeSpan CommitTimeoutOrDefault => CommitTimeout ?? TimeSpan.FromSeconds(30);

    /// <summary>The settings from the options (<c>http_port</c>, <c>http_max_request_bytes</c>), with the command line's host and port when given.</summary>
    public static WebServerSettings From(CareLakeOptions options, string? host = null, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new WebServerSettings(host ?? DefaultHost, port ?? options.HttpPort, options.HttpMaxRequestBytes, CommitLanes: options.CommitLanes,
            KafkaBootstrap: options.KafkaBootstrap);
    }

    /// <exception cref="ConfigurationException">The host is not an IP address (or <c>localhost</c>), or the port is out of range.</exception>
    public IPAddress BindAddress()
    {
        if (Port is < 0 or > 65_535) throw new ConfigurationException($"The port must be 0–65,535, not {Port}.");
        if (MaxRequestBytes is < 1 or > 1L << 30) throw new ConfigurationException("The request body limit must be 1 byte–1 GiB.");
        if (string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase)) return IPAddress.Loopback;
        return IPAddress.TryParse(Host, out var address)
            ? address
            : throw new ConfigurationException($"The host must be an IP address such as 127.0.0.1 or 0.0.0.0 (or localhost), not '{Host}'.");
    }
}
