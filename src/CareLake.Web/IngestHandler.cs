using CareLake.Streaming.Acknowledged;
using CareLake.Web.Bodies;
using Microsoft.AspNetCore.Http;

namespace CareLake.Web;

/// <summary>
/// The common path of every ingest request: check the content type, read the body within the limit, cut it into
/// messages, honour an <c>Idempotency-Key</c>, commit through <see cref="AcknowledgedIngest"/> and answer only after the
/// commit. A commit that fails or does not finish in time is answered 503 and nothing is acknowledged. Requests are
/// spread over the commit lanes in turn.
/// </summary>
internal sealed class IngestHandler(IReadOnlyList<AcknowledgedIngest> lanes, IdempotencyStore idempotency, WebServerSettings settings, Action<string> log)
{
    private readonly KeyedLock _keys = new();
    private int _next;

    /// <param name="accepted">The media types the endpoint takes.</param>
    /// <param name="split">Cuts the body (of the given media type) into messages, or says why it is malformed.</param>
    public async Task<IResult> HandleAsync(HttpContext http, string[] accepted, Func<ReadOnlyMemory<byte>, string, MessageSplit> split)
    {
        var request = http.Request;
        var cancellationToken = http.RequestAborted;
        var mediaType = MediaTypes.Of(request);
        if (mediaType is null || !accepted.Contains(mediaType, StringComparer.Ordinal))
        {
            return Problems.Of(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type",
                $"Send the body as one of: {string.Join(", ", accepted)} (got {(string.IsNullOrEmpty(request.ContentType) ? "none" : Shorten(request.ContentType))}).");
        }

        string? key = null;
        if (request.Headers.TryGetValue(IdempotencyStore.Header, out var keys))
        {
            key = keys.Count == 1 ? keys[0] : null;
            if (key is null || !IdempotencyStore.IsValidKey(key))
            {
                return Problems.BadRequest($"{IdempotencyStore.Header} must be one value of 1–{IdempotencyStore.MaxKeyLength} visible ASCII characters.");
            }
        }

        var read = await RequestBody.ReadAsync(request, settings.MaxRequestBytes, cancellationToken);
        if (read.Problem is not null) return read.Problem;
        if (Bytes.IsBlank(read.Body.Span)) return Problems.BadRequest("The request body is empty.");

        var messages = split(read.Body, mediaType);
        if (messages.Error is not null) return Problems.BadRequest(messages.Error);
        if (messages.Messages.Count > settings.MaxRecordsPerRequest)
        {
            return Problems.Of(StatusCodes.Status413PayloadTooLarge, "Too many records",
                $"The body holds {messages.Messages.Count:N0} records; the limit is {settings.MaxRecordsPerRequest:N0} per request. Split it into several requests.");
        }

        if (key is null) return await CommitAsync(messages.Messages, cancellationToken) is { } response ? Json(response) : Unavailable();

        var hash = IdempotencyStore.RequestHash(request.Method, request.Path.Value ?? "", mediaType, read.Body.Span);
        using var held = await _keys.AcquireAsync(key, cancellationToken);
        StoredResponse? stored;
        try
        {
            stored = await idempotency.FindAsync(key, cancellationToken);
        }
#pragma warning disable CA1031 // Whatever the store's failure, whether the key was used is unknown: nothing may be committed.
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            log($"idempotency key lookup failed ({e.GetType().Name}: {FirstLine(e.Message)})");
            return Unavailable();
        }

        if (stored is not null)
        {
            if (!stored.RequestSha256.AsSpan().SequenceEqual(hash))
            {
                return Problems.Of(StatusCodes.Status422UnprocessableEntity, "Idempotency key reused",
                    $"This {IdempotencyStore.Header} was already used for a different request; use a new key for new content.");
            }

            http.Response.Headers[IdempotencyStore.ReplayedHeader] = "true";
            return Results.Bytes(stored.Body, MediaTypes.Json);
        }

        var body = await CommitAsync(messages.Messages, cancellationToken);
        if (body is null) return Unavailable();
        try
        {
            await idempotency.SaveAsync(key, new StoredResponse(hash, StatusCodes.Status200OK, body), CancellationToken.None);
        }
#pragma warning disable CA1031 // The records are committed: the sender is told so even if the response could not be kept for replay.
        catch (Exception e)
#pragma warning restore CA1031
        {
            log($"could not store the response of idempotency key {key} ({e.GetType().Name}: {FirstLine(e.Message)}); a retry will commit again and be counted as duplicates");
        }

        return Json(body);
    }

    /// <returns>The response body, or null when the warehouse did not confirm the commit.</returns>
    private async Task<byte[]?> CommitAsync(IReadOnlyList<IncomingMessage> messages, CancellationToken requestAborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        timeout.CancelAfter(settings.CommitTimeoutOrDefault);
        try
        {
            var lane = lanes[(int)((uint)Interlocked.Increment(ref _next) % (uint)lanes.Count)];
            var results = await lane.CommitAsync(messages, timeout.Token);
            return IngestResponse.Of(results).ToUtf8Json();
        }
        catch (OperationCanceledException) when (requestAborted.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Any failure to commit is answered 503: the sender must not take its messages as stored.
        catch (Exception e)
#pragma warning restore CA1031
        {
            log(e is OperationCanceledException
                ? $"a commit did not finish within {settings.CommitTimeoutOrDefault.TotalSeconds:0} s; answered 503"
                : $"commit failed ({e.GetType().Name}: {FirstLine(e.Message)}); answered 503");
            return null;
        }
    }

    private static IResult Json(byte[] body) => Results.Bytes(body, MediaTypes.Json);

    private static IResult Unavailable() =>
        Problems.Of(StatusCodes.Status503ServiceUnavailable, "Warehouse unavailable",
            "The records could not be committed now, so none is acknowledged. Retry later; records already stored are then reported as duplicates.");

    private static string FirstLine(string message) => message.Split('\n')[0];

    private static string Shorten(string text) => text.Length <= 100 ? text : text[..100] + "…";
}

/// <summary>The messages of a request body, or why the body is malformed.</summary>
internal sealed record MessageSplit(IReadOnlyList<IncomingMessage> Messages, string? Error)
{
    public static MessageSplit Of(BodySplit split, string stream) =>
        new(split.Payloads.Select(p => new IncomingMessage(stream, p)).ToList(), split.Error);
}
