using Microsoft.AspNetCore.Routing;

namespace CareLake.Dashboard;

public static class QualityEndpoints
{
    public static void MapQuality(this IEndpointRouteBuilder app, TableQuery queries)
    {
    }
}
