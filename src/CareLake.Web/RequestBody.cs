using Microsoft.AspNetCore.Http;

namespace CareLake.Web;

/// <summary>A request body read whole, or the problem that stopped it.</summary>
internal readonly record struct BodyRead(ReadOnlyMemory<byte> Body, IResult? Problem);

internal static class RequestBody
{
    /// <summary>
    /// Reads the body up to <paramref name="limit"/> bytes. A larger body (declared or chunked) is a 413 problem; a body
    /// the server cannot read (broken chunking, the client went away) a 400 one.
    /// </summary>
    public static async Task<BodyRead> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit) return TooLarge(limit);
        try
        {
            // A declared length sizes the buffer only up to 1 MiB: a client that announces much and sends little holds little.
            using var buffer = new MemoryStream((int)Math.Min(request.ContentLength ?? 64 * 1024, 1 << 20));
            var chunk = new byte[64 * 1024];
            while (true)
            {
                var read = await request.Body.ReadAsync(chunk, cancellationToken);
                if (read == 0) break;
                if (buffer.Length + read > limit) return TooLarge(limit);
                buffer.Write(chunk, 0, read);
            }

            return new BodyRead(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), null);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(limit);
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException)
        {
            return new BodyRead(default, Problems.BadRequest("The request body could not be read: it was cut off or its transfer encoding is broken."));
        }
    }

    private static BodyRead TooLarge(long limit) =>
        new(default, Problems.Of(StatusCodes.Status413PayloadTooLarge, "Request body too large",
            $"The body exceeds the limit of {limit:N0} bytes (http_max_request_bytes); split it into several requests."));
}

/// <summary>RFC 9457 problem responses.</summary>
internal static class Problems
{
    public static IResult Of(int status, string title, string detail) => Results.Problem(detail: detail, statusCode: status, title: title);

    public static IResult BadRequest(string detail) => Of(StatusCodes.Status400BadRequest, "Malformed request", detail);
}
