using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.FileProviders;
using Npgsql;

namespace CareLake.Dashboard;

/// <summary>
/// The dashboard on a web app: its pages (<c>/ward</c>, <c>/patients/{id}</c>, <c>/analytics</c>, <c>/vitals</c>,
/// <c>/quality</c>, <c>/operations</c>), their scripts and styles under <c>/assets</c> (ECharts included, served from
/// this server), and the JSON endpoints behind every view under <c>/v1</c>.
/// </summary>
public static class DashboardEndpoints
{
    /// <summary>The pages, in the order of the navigation bar: path, file under <c>wwwroot/pages</c>.</summary>
    public static IReadOnlyList<(string Path, string File)> Pages { get; } =
    [
        ("/ward", "ward.html"),
        ("/analytics", "analytics.html"),
        ("/vitals", "vitals.html"),
        ("/quality", "quality.html"),
        ("/operations", "operations.html"),
    ];

    public static void MapDashboard(this WebApplication app, NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(app);
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(root),
            RequestPath = "/assets",
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache",
        });

        app.MapGet("/", () => Results.Redirect("/ward")).ExcludeFromDescription();
        foreach (var (path, file) in Pages) MapPage(app, path, Path.Combine(root, "pages", file));
        MapPage(app, "/patients/{patientId}", Path.Combine(root, "pages", "patient.html"));

        var queries = new TableQuery(dataSource);
        app.MapWard(queries);
        app.MapAnalytics(queries);
        app.MapVitalsAnalytics(queries);
        app.MapQuality(queries);
        app.MapOperations(queries);
    }

    private static void MapPage(WebApplication app, string path, string file) =>
        app.MapGet(path, () => Results.File(file, "text/html; charset=utf-8")).ExcludeFromDescription();

    /// <summary>A GET endpoint answering one query's table under the shared filters, described for the OpenAPI document.</summary>
    internal static RouteHandlerBuilder MapTable(this IEndpointRouteBuilder group, string pattern, string sqlPath, TableQuery queries, string name, string summary, string description) =>
        group.MapGet(pattern, async (string? from, string? to, string? unit, string? condition, HttpContext http) =>
            {
                var (filter, problem) = DashboardFilter.Parse(from, to, unit, condition);
                return problem ?? await queries.AnswerAsync(sqlPath, filter!.Parameters(), http.RequestAborted);
            })
            .WithName(name)
            .WithSummary(summary)
            .WithDescription(description + " Answer: {columns:[{name,type}], rows:[[…]]}; filters from, to (yyyy-MM-dd), unit, condition.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest);
}
