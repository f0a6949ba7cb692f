using Microsoft.AspNetCore.Routing;

namespace CareLake.Dashboard;

public static class WardEndpoints
{
    public static void MapWard(this IEndpointRouteBuilder app, TableQuery queries)
    {
    }
}
