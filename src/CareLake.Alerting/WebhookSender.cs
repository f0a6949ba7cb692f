using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Polly;
using Polly.Retry;

namespace CareLake.Alerting;

/// <summary>What became of one webhook delivery.</summary>
public sealed record WebhookResult(bool Delivered, int Attempts, string? Error);

/// <summary>
/// POSTs alert JSON to webhooks, retrying connection failures, timeouts, 408, 429 and 5xx with exponential backoff
/// (Polly); any other answer is final. A delivery that never succeeds is reported, for the dead-letter table.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public WebhookSender(int retries, TimeSpan backoff, TimeSpan timeout, TimeProvider? time = null, HttpMessageHandler? handler = null)
    {
        _http = handler is null ? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) : new HttpClient(handler);
        _http.Timeout = Timeout.InfiniteTimeSpan;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time ?? TimeProvider.System };
        if (retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = retries,
                Delay = backoff,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                MaxDelay = TimeSpan.FromSeconds(30),
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutException>()
                    .Handle<Polly.Timeout.TimeoutRejectedException>()
                    .HandleResult(r => IsRetryable(r.StatusCode)),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            });
        }

        builder.AddTimeout(timeout);
        _pipeline = builder.Build();
    }

    public async Task<WebhookResult> SendAsync(Uri url, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var attempts = 0;
        var json = body.ToJsonString();
        try
        {
            using var response = await _pipeline.ExecuteAsync(async token =>
            {
                Interlocked.Increment(ref attempts);
                using var content = new StringContent(json, Encoding.UTF8);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                return await _http.PostAsync(url, content, token);
            }, cancellationToken);
            return response.IsSuccessStatusCode
                ? new WebhookResult(true, attempts, null)
                : new WebhookResult(false, attempts, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
        {
            return new WebhookResult(false, attempts, e.Message);
        }
    }

    private static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    public void Dispose() => _http.Dispose();
}
