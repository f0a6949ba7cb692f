using System.Globalization;
using Microsoft.AspNetCore.Http;
using Npgsql;
using NpgsqlTypes;

namespace CareLake.Dashboard;

/// <summary>
/// The filters every analytics view shares, from the query string: <c>from</c> and <c>to</c> (days, inclusive,
/// yyyy-MM-dd), <c>unit</c> (a ward unit) and <c>condition</c> (a condition group). A query uses them as the
/// parameters <c>@from</c>, <c>@to</c>, <c>@unit</c> and <c>@condition</c>, each null when not given.
/// </summary>
public sealed record DashboardFilter(DateOnly? From, DateOnly? To, string? Unit, string? Condition)
{
    public const int MaxTextLength = 100;

    /// <summary>The filter, or the problem that says what is wrong with it.</summary>
    public static (DashboardFilter? Filter, IResult? Problem) Parse(string? fromDay, string? toDay, string? unitName, string? conditionGroup)
    {
        if (!TryDay(fromDay, out var from) || !TryDay(toDay, out var to))
            return (null, Problem("from and to are days written yyyy-MM-dd."));
        if (from is { } f && to is { } t && f > t) return (null, Problem("from is after to."));
        var unit = Text(unitName);
        var condition = Text(conditionGroup);
        if (unit?.Length > MaxTextLength || condition?.Length > MaxTextLength)
            return (null, Problem($"unit and condition are at most {MaxTextLength} characters."));
        if ((unit ?? "").Any(char.IsControl) || (condition ?? "").Any(char.IsControl))
            return (null, Problem("unit and condition hold no control characters."));
        return (new DashboardFilter(from, to, unit, condition), null);
    }

    public IEnumerable<NpgsqlParameter> Parameters() =>
    [
        TableQuery.Parameter("from", NpgsqlDbType.Date, From),
        TableQuery.Parameter("to", NpgsqlDbType.Date, To),
        TableQuery.Parameter("unit", NpgsqlDbType.Text, Unit),
        TableQuery.Parameter("condition", NpgsqlDbType.Text, Condition),
    ];

    /// <summary>An RFC 9457 problem (400) about the request's query.</summary>
    public static IResult Problem(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid filter");

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool TryDay(string? value, out DateOnly? day)
    {
        day = null;
        if (string.IsNullOrWhiteSpace(value)) return true;
        if (!DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)) return false;
        day = parsed;
        return true;
    }
}
