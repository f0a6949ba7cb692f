using Microsoft.AspNetCore.Routing;

namespace CareLake.Dashboard;

public static class VitalsAnalyticsEndpoints
{
    public static void MapVitalsAnalytics(this IEndpointRouteBuilder app, TableQuery queries)
    {
    }
}
