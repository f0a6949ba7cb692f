using Microsoft.AspNetCore.Routing;

namespace CareLake.Dashboard;

public static class AnalyticsEndpoints
{
    public static void MapAnalytics(this IEndpointRouteBuilder app, TableQuery queries)
    {
    }
}
