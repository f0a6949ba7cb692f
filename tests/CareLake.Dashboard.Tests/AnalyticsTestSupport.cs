using System.Globalization;
using System.Net;
using System.Text.Json;
using Npgsql;

namespace CareLake.Dashboard.Tests;

/// <summary>Reads the fixture database directly, so the API's numbers can be checked against SQL written here.</summary>
internal static class AnalyticsDb
{
    public static Task<long> CountAsync(this HospitalServer hospital, string sql) => hospital.ScalarAsync<long>(sql);

    /// <summary>key column (as text) → value column (as a number) of an API table.</summary>
    public static Dictionary<string, double> Map(this ApiTable table, string key, string value) =>
        table.Rows.ToDictionary(r => Text(r[table.Index(key)]), r => r[table.Index(value)].GetDouble(), StringComparer.Ordinal);

    public static double Sum(this ApiTable table, string column) => table.Column(column).Sum(v => v.GetDouble());

    public static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null => "",
        _ => value.GetRawText(),
    };

    public static string Text(object? value) => value switch
    {
        null => "",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };

    public static double Number(object? value) => Convert.ToDouble(value, CultureInfo.InvariantCulture);

    /// <summary>The middle day of the data's admissions, a filter that cuts the period in two.</summary>
    public static async Task<DateOnly> MiddleAdmitDayAsync(this HospitalServer hospital)
    {
        var rows = await hospital.RowsAsync("SELECT (min(admit_date) + (max(admit_date) - min(admit_date)) / 2) FROM gold.fact_encounter");
        return (DateOnly)rows[0][0]!;
    }

    public static async Task AssertProblemAsync(this HospitalServer hospital, string path)
    {
        using var response = await hospital.Client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"GET {path}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
