using System.Globalization;
using System.Text;
using CareLake.Core.Hl7;
using CareLake.Ingest.Mllp;
using CareLake.Streaming.Streaming;
using CareLake.Warehouse.Silver;

namespace CareLake.Streaming.Acknowledged;

/// <summary>
/// HL7 v2 over MLLP into the warehouse. Every message is durably committed to bronze before it is answered, and typed
/// into silver behind the answers (in large batches, exactly once even across a crash: see <see cref="DeferredSilver"/>):
/// <c>AA</c> once it is stored (also for a re-sent message — same MSH-3, MSH-4 and MSH-10 — which is answered as a
/// duplicate and counted as one in silver, and for message types silver does not type); <c>AE</c> with an ERR segment
/// when its content is invalid (it is stored and quarantined with the reason); <c>AR</c> when it cannot be read as HL7
/// at all (stored and quarantined too). The code is decided by parsing and mapping before the commit. When the
/// warehouse cannot commit, the connection is closed without an answer, so the sender sends again.
/// </summary>
public sealed class Hl7MllpService : IAsyncDisposable
{
    public const string SourceName = "mllp";

    private const string Stream = SilverStages.Hl7Stream;

    /// <summary>MSH-3 of CareLake's acknowledgments when the original receiver is unknown.</summary>
    public const string ApplicationName = "CARELAKE";

    private readonly PipelineContext _pipeline;
    private readonly AcknowledgedIngest _ingest;
    private long _acks;

    public Hl7MllpService(PipelineContext pipeline, MllpListenerSettings settings, string workerId)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(settings);
        _pipeline = pipeline;
        _ingest = new AcknowledgedIngest(pipeline, SourceName, workerId, deferSilver: true);
        Listener = new MllpListener(settings, HandleAsync, pipeline.Log, pipeline.Time);
        Connections = new MllpConnectionRecorder(pipeline.DataSource, Listener, workerId, pipeline.Log);
    }

    public MllpListener Listener { get; }

    /// <summary>Writes the listener's connections to <c>ops.mllp_connections</c> while it runs.</summary>
    public MllpConnectionRecorder Connections { get; }

    public StreamStatistics Statistics => _ingest.Statistics;

    /// <summary>
    /// Listens until cancelled, keeping gold up with what arrives; answers the messages in hand and types every stored
    /// message into silver before returning.
    /// </summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        Listener.Start();
        return _pipeline.CreateGoldRefresher().RunAlongsideAsync(async () =>
        {
            using var stopRecording = new CancellationTokenSource();
            var recording = Connections.RunAsync(stopRecording.Token);
            try
            {
                await Listener.RunAsync(cancellationToken);
            }
            finally
            {
                await stopRecording.CancelAsync();
                await recording;
            }

            await _ingest.DrainSilverAsync(CancellationToken.None);
        }, cancellationToken, drainToken: CancellationToken.None);
    }

    private async Task<byte[]?> HandleAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var parsed = Hl7Message.Parse(message.Span);
        var key = parsed.Message?.Header is { } h ? Encoding.UTF8.GetBytes($"{h.SendingApplication}|{h.SendingFacility}|{h.ControlId}") : null;
        IngestResult result;
        try
        {
            result = (await _ingest.CommitAsync([new IncomingMessage(Stream, message.ToArray(), key)], cancellationToken))[0];
        }
#pragma warning disable CA1031 // Nothing was committed: no answer, and the sender sends again.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _pipeline.Log($"MLLP: not acknowledged, the warehouse did not commit ({e.Message.Split('\n')[0]})");
            return null;
        }

        var now = _pipeline.Time.GetUtcNow();
        var ack = parsed.Message is not { } hl7
            ? Hl7Ack.Reject(parsed.Error!, NextControlId(), now, ApplicationName)
            : result.Silver.Fate switch
            {
                RecordFate.Quarantined => Hl7Ack.Build(hl7, Hl7AckCode.ApplicationError, NextControlId(), now,
                    $"stored, not accepted: {result.Silver.ReasonCode}", new Hl7AckError(ErrorCode(result.Silver.ReasonCode), Diagnostic: result.Silver.Message)),
                RecordFate.Duplicate => Hl7Ack.Build(hl7, Hl7AckCode.ApplicationAccept, NextControlId(), now, "duplicate of a message already received"),
                _ => Hl7Ack.Build(hl7, Hl7AckCode.ApplicationAccept, NextControlId(), now),
            };
        return Encoding.UTF8.GetBytes(ack);
    }

    private static Hl7ErrorCode ErrorCode(string? reason) => reason switch
    {
        "missing_field" => Hl7ErrorCode.RequiredFieldMissing,
        "malformed_hl7" => Hl7ErrorCode.SegmentSequenceError,
        _ => Hl7ErrorCode.DataTypeError,
    };

    // MSH-10 holds at most 20 characters.
    private string NextControlId() =>
        string.Create(CultureInfo.InvariantCulture, $"CL{Environment.ProcessId % 100_000}-{Interlocked.Increment(ref _acks)}");

    public ValueTask DisposeAsync() => _ingest.DisposeAsync();
}
