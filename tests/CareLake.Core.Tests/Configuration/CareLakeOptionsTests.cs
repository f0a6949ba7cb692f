using CareLake.Core.Configuration;

namespace CareLake.Core.Tests.Configuration;

public class CareLakeOptionsTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];

    [Fact]
    public void Defaults_mean_local_mode_without_kafka()
    {
        var options = CareLakeOptions.Load(null, NoEnvironment);

        Assert.True(options.IsLocalMode);
        Assert.Null(options.KafkaBootstrap);
        Assert.Equal(".carelake", options.DataDirectory);
        Assert.Equal(["patient_admissions", "patient_diagnoses", "patient_procedures", "patient_labs", "patient_vitals", "ehr_audit_logs"], options.KafkaTopics);
    }

    [Fact]
    public void Environment_variables_override_the_config_file()
    {
        const string file = """
            {
              // comments are allowed
              "database_url": "postgres://file/db",
              "kafka_bootstrap": "file:9092",
              "batch_max_messages": 500,
              "kafka_topics": ["patient_vitals"],
            }
            """;
        var options = CareLakeOptions.Load(file, new Dictionary<string, string?>
        {
            ["CARELAKE_KAFKA_BOOTSTRAP"] = "env:9092",
            ["CARELAKE_DATA_DIR"] = "/var/lib/carelake",
            ["CARELAKE_COMMIT_LANES"] = "4",
            ["CARELAKE_DATABASE_URL"] = "  ",
        });

        Assert.Equal("postgres://file/db", options.DatabaseUrl); // a blank variable does not override
        Assert.Equal("env:9092", options.KafkaBootstrap);
        Assert.Equal("/var/lib/carelake", options.DataDirectory);
        Assert.Equal(500, options.BatchMaxMessages);
        Assert.Equal(4, options.CommitLanes);
        Assert.Equal(["patient_vitals"], options.KafkaTopics);
        Assert.False(options.IsLocalMode);
    }

    [Fact]
    public void The_http_api_listens_on_8080_and_takes_bodies_up_to_16_mib_unless_configured()
    {
        var defaults = CareLakeOptions.Load(null, NoEnvironment);
        var configured = CareLakeOptions.Load("""{"http_port": 9000, "http_max_request_bytes": 1048576}""",
            new Dictionary<string, string?> { ["CARELAKE_HTTP_PORT"] = "0" });

        Assert.Equal((8080, 16L << 20), (defaults.HttpPort, defaults.HttpMaxRequestBytes));
        Assert.Equal((0, 1L << 20), (configured.HttpPort, configured.HttpMaxRequestBytes));
    }

    [Theory]
    [InlineData("CARELAKE_HTTP_PORT", "65536", "http_port")]
    [InlineData("CARELAKE_HTTP_MAX_REQUEST_BYTES", "100", "http_max_request_bytes")]
    [InlineData("CARELAKE_BATCH_MAX_MESSAGES", "lots", "whole number")]
    [InlineData("CARELAKE_BATCH_MAX_MESSAGES", "0", "batch_max_messages")]
    [InlineData("CARELAKE_COMMIT_LANES", "99", "commit_lanes")]
    [InlineData("CARELAKE_KAFKA_SESSION_TIMEOUT_MS", "10", "kafka_session_timeout_ms")]
    public void Invalid_settings_are_refused_at_start_with_the_setting_named(string variable, string value, string named)
    {
        var e = Assert.Throws<ConfigurationException>(() => CareLakeOptions.Load(null, new Dictionary<string, string?> { [variable] = value }));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_keys_in_the_config_file_are_refused()
    {
        var e = Assert.Throws<ConfigurationException>(() => CareLakeOptions.Load("""{"kafka_bootstrapp": "x"}""", NoEnvironment));
        Assert.Contains("kafka_bootstrapp", e.Message, StringComparison.Ordinal);
    }
}
