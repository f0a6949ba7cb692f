using Microsoft.AspNetCore.Routing;

namespace CareLake.Dashboard;

public static class OperationsEndpoints
{
    public static void MapOperations(this IEndpointRouteBuilder app, TableQuery queries)
    {
    }
}
