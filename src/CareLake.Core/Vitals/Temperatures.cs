namespace CareLake.Core.Vitals;

/// <summary>Body temperature units as every format sends them, and the conversion to °C silver stores.</summary>
public static class Temperatures
{
    private static readonly string[] CelsiusCodes = ["Cel", "C", "°C", "degC", "Celsius"];
    private static readonly string[] FahrenheitCodes = ["[degF]", "F", "°F", "degF", "Fahrenheit"];

    /// <summary>
    /// The unit of a temperature: UCUM <c>Cel</c> or <c>[degF]</c> and their common spellings; with no unit, °F when the
    /// value only makes sense in °F (<see cref="PlausibilityLimits.FahrenheitGuess"/>, clinical.md §10), else °C.
    /// Null for any other unit.
    /// </summary>
    public static TemperatureUnit? UnitOf(string? unit, decimal value, PlausibilityLimits? limits = null)
    {
        var code = unit.AsSpan().Trim();
        if (code.IsEmpty)
        {
            return (limits ?? PlausibilityLimits.Adult).FahrenheitGuess.Contains(value) ? TemperatureUnit.FahrenheitInferred : TemperatureUnit.Celsius;
        }

        if (IsAnyOf(code, CelsiusCodes)) return TemperatureUnit.Celsius;
        if (IsAnyOf(code, FahrenheitCodes)) return TemperatureUnit.Fahrenheit;
        return null;
    }

    /// <summary>The value in °C, rounded to two decimals when it was converted from °F.</summary>
    public static decimal ToCelsius(decimal value, TemperatureUnit unit) =>
        unit == TemperatureUnit.Celsius ? value : Math.Round((value - 32m) * 5m / 9m, 2, MidpointRounding.AwayFromZero);

    private static bool IsAnyOf(ReadOnlySpan<char> code, string[] names)
    {
        foreach (var name in names)
        {
            if (code.Equals(name, StringComparison.OrdinalIgnoreCase)) return true;
        }

        return false;
    }
}
