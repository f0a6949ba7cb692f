using System.Text.Json;
using System.Text.Json.Nodes;
using CareLake.Core.Contracts;
using CareLake.Dashboard;
using CareLake.Dashboard.Operations;
using CareLake.Streaming.Acknowledged;
using CareLake.Streaming.Streaming;
using CareLake.Web.Bodies;
using CareLake.Web.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.OpenApi;
using Prometheus;
using Scalar.AspNetCore;

namespace CareLake.Web;

/// <summary>
/// The HTTP ingest API: contract events, FHIR and HL7 v2 in, each request answered only after its records are
/// durably committed to bronze and silver, with every record's fate. Problems (RFC 9457) for malformed requests;
/// never a 5xx for what a client sends, and never a stack trace.
/// </summary>
public static class CareLakeWebApp
{
    /// <summary>Builds the app (not started) on the given pipeline, committing through the given lanes of acknowledged ingest.</summary>
    public static WebApplication Build(WebServerSettings settings, PipelineContext pipeline, IReadOnlyList<AcknowledgedIngest> lanes, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(lanes);
        if (lanes.Count == 0) throw new ArgumentException("At least one commit lane is needed.", nameof(lanes));
        log ??= _ => { };
        var address = settings.BindAddress();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(CareLakeWebApp).Assembly.GetName().Name,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ActionLoggerProvider(log));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBytes;
            kestrel.Listen(address, settings.Port, listen => listen.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(pipeline.Time); // the dashboard's "now" is the pipeline's clock
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, WebJsonContext.Default));
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "CareLake ingest API";
            document.Info.Description = "Clinical events, FHIR R4 and HL7 v2 into CareLake's warehouse. Every request is answered only after its records are durably committed (bronze and silver), with each record's fate in request order.";
            return Task.CompletedTask;
        }).AddOperationTransformer((operation, context, _) =>
        {
            DescribeParameters(operation, context.Description.HttpMethod);
            return Task.CompletedTask;
        }));

        builder.Services.AddSingleton(_ => new KafkaBroker(settings.KafkaBootstrap));
        var metrics = Prometheus.Metrics.NewCustomRegistry();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseHttpMetrics(options => options.SetMetricFactory(Prometheus.Metrics.WithCustomRegistry(metrics)));
        var handler = new IngestHandler(lanes, new IdempotencyStore(pipeline.DataSource), settings, log);
        MapIngest(app, handler);
        MapHealth(app, pipeline);
        app.MapAlerts(pipeline.DataSource);
        app.MapDashboard(pipeline.DataSource);
        _ = new WarehouseMetrics(pipeline.DataSource, app.Services.GetRequiredService<KafkaBroker>(), metrics);
        app.MapMetrics("/metrics", metrics).WithTags("Metrics").WithName("Metrics").WithSummary("Prometheus metrics")
            .WithDescription("Prometheus text format: events, batches and batch-duration histograms per source, quarantined records per reason, " +
                             "committed positions, Kafka end offsets and lag, open MLLP connections, and this server's HTTP request histograms.");
        app.MapOpenApi();
        // No fonts from Scalar's CDN: hospitals often have no internet, and the reference must load whole without it.
        app.MapScalarApiReference(options => options.DisableDefaultFonts());
        return app;
    }

    private static void MapIngest(WebApplication app, IngestHandler handler)
    {
        var ingest = app.MapGroup("/v1").WithTags("Ingest");
        ingest.MapPost("/events/{topic}", (string topic, HttpContext http) =>
                Topics.Inbound.Contains(topic, StringComparer.Ordinal)
                    ? handler.HandleAsync(http, MediaTypes.Events, (body, mediaType) =>
                        MessageSplit.Of(mediaType == MediaTypes.Json ? EventBodies.SingleEvent(body.Span) : EventBodies.Lines(body.Span), topic))
                    : Task.FromResult(Problems.Of(StatusCodes.Status404NotFound, "Unknown topic",
                        $"There is no inbound topic '{(topic.Length <= 100 ? topic : topic[..100] + "…")}'. Topics: {string.Join(", ", Topics.Inbound)}.")))
            .WithName("PostEvents")
            .WithSummary("Ingest contract events of one topic")
            .WithDescription("One event as application/json, or several as application/x-ndjson (one per line; blank lines are skipped). " +
                             "Each event is stored in bronze as sent and typed in silver; an event with bad content is not a request error " +
                             "but is reported as quarantined with its reason. Send an Idempotency-Key header to make retries safe.")
            .Accepts<JsonElement>(MediaTypes.Json, MediaTypes.Ndjson)
            .WithIngestResponses()
            .ProducesProblem(StatusCodes.Status404NotFound);

        ingest.MapPost("/fhir", (HttpRequest request) => handler.HandleAsync(request.HttpContext, MediaTypes.Fhir, (body, _) =>
                new MessageSplit(FhirBodies.Records(body).Select(r => new IncomingMessage(r.Stream, r.Payload, null, r.HeaderKeys, r.HeaderValues)).ToList(), null)))
            .WithName("PostFhir")
            .WithSummary("Ingest FHIR R4 resources")
            .WithDescription("A Bundle or one resource (application/fhir+json, application/json) or bulk-export NDJSON " +
                             "(application/fhir+ndjson, application/x-ndjson). Each resource (adjacent vital-sign Observations of one " +
                             "measurement together) is one record in the response.")
            .Accepts<JsonElement>(MediaTypes.FhirJson, MediaTypes.Json, MediaTypes.FhirNdjson, MediaTypes.Ndjson)
            .WithIngestResponses();

        ingest.MapPost("/hl7", (HttpRequest request) => handler.HandleAsync(request.HttpContext, MediaTypes.Hl7Messages, (body, _) =>
                MessageSplit.Of(Hl7Bodies.Messages(body.Span), "hl7")))
            .WithName("PostHl7")
            .WithSummary("Ingest HL7 v2 messages")
            .WithDescription("One or more HL7 v2 messages in ER7 text (x-application/hl7-v2+er7, application/hl7-v2, text/plain); " +
                             "a message starts at each line beginning with MSH. Segments end with CR, LF or CRLF.")
            .Accepts<string>(MediaTypes.Hl7Er7, MediaTypes.Hl7, MediaTypes.Text)
            .WithIngestResponses();
    }

    /// <summary>The Idempotency-Key header of every POST, and the topics a topic may name.</summary>
    private static void DescribeParameters(OpenApiOperation operation, string? httpMethod)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.Name != "topic") continue;
            parameter.Description = "One of the inbound contract topics.";
            parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. Topics.Inbound.Select(t => (JsonNode)JsonValue.Create(t))] };
        }

        if (!HttpMethods.IsPost(httpMethod ?? "")) return;
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = IdempotencyStore.Header,
            In = ParameterLocation.Header,
            Required = false,
            Description = "Makes a retry safe: a repeat of the same request with the same key is answered with the stored response " +
                          "(header Idempotency-Replayed: true) instead of being committed again; the same key with another request is 422. " +
                          "1–255 visible ASCII characters.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = IdempotencyStore.MaxKeyLength },
        });
    }

    private static RouteHandlerBuilder WithIngestResponses(this RouteHandlerBuilder endpoint) => endpoint
        .Produces<IngestResponse>(StatusCodes.Status200OK, MediaTypes.Json)
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static void MapHealth(WebApplication app, PipelineContext pipeline)
    {
        app.MapGet("/health", () => Results.Text("ok"))
            .WithTags("Health")
            .WithName("Health")
            .WithSummary("Liveness: the server runs")
            .Produces<string>(StatusCodes.Status200OK, MediaTypes.Text);
        app.MapGet("/ready", async (HttpContext http) =>
                await Readiness.ProblemAsync(pipeline.DataSource, http.RequestAborted) is { } problem
                    ? Problems.Of(StatusCodes.Status503ServiceUnavailable, "Not ready", problem)
                    : Results.Text("ready"))
            .WithTags("Health")
            .WithName("Ready")
            .WithSummary("Readiness: the warehouse answers and is fully migrated")
            .Produces<string>(StatusCodes.Status200OK, MediaTypes.Text)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }
}
