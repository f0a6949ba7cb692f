namespace CareLake.Generator.DirtyData;

/// <summary>
/// Rates (0–1, per event) of deliberate defects in the contract event stream (Kafka and NDJSON outputs), so
/// ingestion, dedupe, quarantine and late-data handling have something to do. HL7, FHIR and Synthea CSV outputs
/// render the clean events.
/// </summary>
public sealed record DirtyDataOptions
{
    /// <summary>Every rate zero: the stream follows the contracts exactly.</summary>
    public static DirtyDataOptions Off { get; } = new();

    /// <summary>The mix the demo uses: about 5% of events carry some defect.</summary>
    public static DirtyDataOptions Demo { get; } = new()
    {
        DuplicateRate = 0.01,
        LateRate = 0.005,
        OutOfOrderRate = 0.01,
        FahrenheitRate = 0.03,
        MissingFieldRate = 0.002,
        ImplausibleValueRate = 0.002,
        MalformedJsonRate = 0.001,
        WrongTypeRate = 0.002,
    };

    /// <summary>The same event (same <c>event_id</c>, same bytes) sent again, right away or minutes later.</summary>
    public double DuplicateRate { get; init; }

    /// <summary>Held back and delivered between 10 minutes and <see cref="MaxLateness"/> after it occurred.</summary>
    public double LateRate { get; init; }

    /// <summary>Delivered after the next event of the same patient.</summary>
    public double OutOfOrderRate { get; init; }

    /// <summary>Share of vital-sign sets whose temperature is sent in °F (labelled <c>[degF]</c>, or unlabelled).</summary>
    public double FahrenheitRate { get; init; }

    /// <summary>A required field left out.</summary>
    public double MissingFieldRate { get; init; }

    /// <summary>A vital-sign value outside the physiological limits (clinical.md §10).</summary>
    public double ImplausibleValueRate { get; init; }

    /// <summary>Bytes that are not valid JSON (truncated or broken).</summary>
    public double MalformedJsonRate { get; init; }

    /// <summary>A field of the wrong JSON type (a number sent as a string, a string as a number).</summary>
    public double WrongTypeRate { get; init; }

    /// <summary>Upper bound of the delay of late events. Default 6 h.</summary>
    public TimeSpan MaxLateness { get; init; } = TimeSpan.FromHours(6);

    public bool IsOff => Rates().All(rate => rate.Value == 0);

    public void Validate()
    {
        foreach (var (name, value) in Rates())
        {
            if (value is < 0 or > 1 || double.IsNaN(value)) throw new ArgumentException($"Invalid generator option: DirtyData.{name} must be 0–1.");
        }

        if (MaxLateness < TimeSpan.FromMinutes(10) || MaxLateness > TimeSpan.FromDays(7))
        {
            throw new ArgumentException("Invalid generator option: DirtyData.MaxLateness must be 10 min – 7 days.");
        }
    }

    private (string Name, double Value)[] Rates() =>
    [
        (nameof(DuplicateRate), DuplicateRate), (nameof(LateRate), LateRate), (nameof(OutOfOrderRate), OutOfOrderRate),
        (nameof(FahrenheitRate), FahrenheitRate), (nameof(MissingFieldRate), MissingFieldRate),
        (nameof(ImplausibleValueRate), ImplausibleValueRate), (nameof(MalformedJsonRate), MalformedJsonRate),
        (nameof(WrongTypeRate), WrongTypeRate),
    ];
}
