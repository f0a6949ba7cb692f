using System.Text.Json;
using CareLake.Core.Contracts;
using CareLake.Core.Vitals;
using CareLake.Generator.DirtyData;

namespace CareLake.Generator.Tests;

public sealed class DirtyDataTests
{
    private static readonly DirtyDataOptions Heavy = new()
    {
        DuplicateRate = 0.02,
        LateRate = 0.02,
        OutOfOrderRate = 0.02,
        FahrenheitRate = 0.05,
        MissingFieldRate = 0.02,
        ImplausibleValueRate = 0.02,
        MalformedJsonRate = 0.02,
        WrongTypeRate = 0.02,
    };

    private static readonly List<GeneratedEvent> Messages =
        new HospitalSimulator(FileOutputs.Small with { Patients = 1_000, Days = 45, DirtyData = Heavy }).Events().ToList();

    private static readonly DateTimeOffset ReceivedAt = FileOutputs.Small.PeriodStart.AddDays(46);

    [Theory]
    [InlineData(DirtyDataKind.MalformedJson, "malformed_json")]
    [InlineData(DirtyDataKind.MissingField, "missing_field")]
    [InlineData(DirtyDataKind.WrongType, "wrong_type")]
    [InlineData(DirtyDataKind.ImplausibleValue, "implausible_value")]
    public void Damaged_vital_signs_are_rejected_by_the_parser_with_the_expected_reason(DirtyDataKind kind, string reason)
    {
        var parser = new VitalSignsParser();
        var damaged = Messages.Where(m => m.Topic == Topics.PatientVitals && m.Dirt.HasFlag(kind)).ToList();

        Assert.True(damaged.Count >= 5, $"only {damaged.Count} {kind} vital-sign messages");
        Assert.All(damaged, m =>
        {
            var result = parser.Parse(m.Payload, ReceivedAt);
            Assert.False(result.IsSuccess, $"{kind} message passed: {System.Text.Encoding.UTF8.GetString(m.Payload)}");
            Assert.Equal(reason, result.Rejection!.Code);
        });
    }

    [Theory]
    [InlineData(DirtyDataKind.MalformedJson, "malformed_json")]
    [InlineData(DirtyDataKind.MissingField, "missing_field")]
    [InlineData(DirtyDataKind.WrongType, "wrong_type")]
    public void Damaged_messages_of_the_other_topics_break_the_contract_in_the_expected_way(DirtyDataKind kind, string reason)
    {
        var damaged = Messages.Where(m => m.Topic != Topics.PatientVitals && m.Dirt.HasFlag(kind)).ToList();

        Assert.True(damaged.Count >= 20, $"only {damaged.Count} {kind} messages");
        Assert.All(damaged, m => Assert.Contains(ContractChecker.Check(m.Topic, m.Payload, ReceivedAt), p => p.StartsWith(reason, StringComparison.Ordinal)));
    }

    [Fact]
    public void Damaged_procedure_messages_break_the_contract()
    {
        const DirtyDataKind content = DirtyDataKind.MalformedJson | DirtyDataKind.MissingField | DirtyDataKind.WrongType;
        var damaged = Messages.Where(m => m.Topic == Topics.PatientProcedures && (m.Dirt & content) != 0).ToList();

        Assert.True(damaged.Count >= 3, $"only {damaged.Count} damaged procedure messages");
        Assert.All(damaged, m => Assert.NotEmpty(ContractChecker.Check(m.Topic, m.Payload, ReceivedAt)));
    }

    [Fact]
    public void Fahrenheit_temperatures_are_accepted_and_normalised_to_celsius()
    {
        var parser = new VitalSignsParser();
        var fahrenheit = Messages.Where(m => m.Dirt.HasFlag(DirtyDataKind.Fahrenheit)).ToList();

        Assert.True(fahrenheit.Count >= 20, $"only {fahrenheit.Count} sets in °F");
        Assert.Contains(fahrenheit, m => !JsonDocument.Parse(m.Payload).RootElement.TryGetProperty("temperature_unit", out _));
        Assert.All(fahrenheit, m =>
        {
            var result = parser.Parse(m.Payload, ReceivedAt);
            Assert.True(result.IsSuccess, result.Rejection?.Message);
            Assert.NotEqual(TemperatureUnit.Celsius, result.Value!.TemperatureUnitReceived);
            Assert.InRange(result.Value.TemperatureCelsius!.Value, 33m, 42m);
        });
    }

    [Fact]
    public void Duplicates_repeat_an_earlier_event_id_with_the_same_bytes()
    {
        var seen = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var duplicates = 0;
        foreach (var m in Messages)
        {
            if (m.Dirt.HasFlag(DirtyDataKind.Duplicate))
            {
                duplicates++;
                Assert.True(seen.TryGetValue(m.EventId, out var original), $"duplicate {m.EventId} before its original");
                Assert.Equal(original, m.Payload);
            }
            else
            {
                seen[m.EventId] = m.Payload;
            }
        }

        Assert.True(duplicates >= 20);
    }

    [Fact]
    public void Late_and_out_of_order_messages_arrive_after_later_events()
    {
        var latest = DateTimeOffset.MinValue;
        var lateness = new List<TimeSpan>();
        var latestByKey = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var overtaken = 0;
        foreach (var m in Messages)
        {
            if (m.Dirt.HasFlag(DirtyDataKind.Late)) lateness.Add(latest - m.OccurredAt);
            if (m.Dirt.HasFlag(DirtyDataKind.OutOfOrder) && latestByKey.TryGetValue(m.Key, out var keyLatest) && keyLatest > m.OccurredAt) overtaken++;
            if (m.OccurredAt > latest) latest = m.OccurredAt;
            latestByKey[m.Key] = m.OccurredAt > latestByKey.GetValueOrDefault(m.Key) ? m.OccurredAt : latestByKey[m.Key];
        }

        Assert.True(lateness.Count >= 20);
        Assert.True(lateness.Count(l => l >= TimeSpan.FromMinutes(9)) > lateness.Count * 0.9, "late messages arrive at least ten minutes late");
        Assert.True(overtaken >= 10, $"only {overtaken} out-of-order messages were overtaken by a later event of their patient");
    }

    [Fact]
    public void Clean_messages_stay_valid_when_dirty_data_is_on()
    {
        var clean = Messages.Where(m => m.Dirt == DirtyDataKind.None).ToList();
        Assert.All(clean, m => Assert.Empty(ContractChecker.Check(m.Topic, m.Payload, ReceivedAt)));
        Assert.True(Messages.Count(m => m.Dirt != DirtyDataKind.None) > Messages.Count * 0.05);
    }

    [Fact]
    public void Dirty_data_is_off_by_default_and_on_in_the_demo_preset()
    {
        Assert.True(new GeneratorOptions().DirtyData.IsOff);
        Assert.True(GeneratorOptions.Preset("full").DirtyData.IsOff);
        Assert.False(GeneratorOptions.Preset("demo").DirtyData.IsOff);
    }
}
