namespace CareLake.Dashboard.Tests;

[Collection(HospitalServerCollection.Name)]
public sealed class FrameTests(HospitalServer hospital)
{
    [Theory]
    [InlineData("/ward")]
    [InlineData("/analytics")]
    [InlineData("/vitals")]
    [InlineData("/quality")]
    [InlineData("/operations")]
    [InlineData("/patients/anyone")]
    public async Task Every_page_is_served_as_html(string path)
    {
        using var response = await hospital.Client.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<header class=\"site\">", html, StringComparison.Ordinal);
        Assert.Contains("/assets/lib/echarts.min.js", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_root_leads_to_the_ward()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = hospital.Server.Address };
        using var response = await client.GetAsync("/");
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/ward", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/assets/lib/echarts.min.js", "text/javascript")]
    [InlineData("/assets/js/app.js", "text/javascript")]
    [InlineData("/assets/css/app.css", "text/css")]
    [InlineData("/assets/favicon.svg", "image/svg+xml")]
    public async Task Scripts_styles_and_charts_are_served_locally(string path, string mediaType)
    {
        using var response = await hospital.Client.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}");
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 100);
    }
}
