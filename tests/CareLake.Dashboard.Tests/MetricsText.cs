using System.Globalization;
using System.Text.RegularExpressions;

namespace CareLake.Dashboard.Tests;

/// <summary>A Prometheus text exposition, parsed strictly enough to fail on a malformed line.</summary>
public sealed partial class MetricsText
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    public Dictionary<string, string> Types { get; } = new(StringComparer.Ordinal);

    public static MetricsText Parse(string text)
    {
        var parsed = new MetricsText();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0) continue;
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Assert.Equal(4, parts.Length);
                Assert.Contains(parts[3], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                parsed.Types[parts[2]] = parts[3];
                continue;
            }

            if (line.StartsWith('#'))
            {
                Assert.StartsWith("# HELP ", line, StringComparison.Ordinal);
                continue;
            }

            var match = Sample().Match(line);
            Assert.True(match.Success, $"not a Prometheus sample line: {line}");
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match label in Label().Matches(match.Groups["labels"].Value)) labels[label.Groups[1].Value] = label.Groups[2].Value;
            var value = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            var name = match.Groups["name"].Value;
            var family = Regex.Replace(name, "_(bucket|sum|count)$", "");
            Assert.True(parsed.Types.ContainsKey(name) || parsed.Types.ContainsKey(family), $"{name} has no # TYPE line before it");
            parsed._samples.Add((name, labels, value));
        }

        return parsed;
    }

    /// <summary>The samples of a name whose labels include the given ones.</summary>
    public IEnumerable<(Dictionary<string, string> Labels, double Value)> Samples(string name, params (string Label, string Value)[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).Select(s => (s.Labels, s.Value));

    /// <summary>The one sample of a name with exactly these labels (among others it may carry none).</summary>
    public double Value(string name, params (string Label, string Value)[] labels)
    {
        var found = Samples(name, labels).Where(s => s.Labels.Count == labels.Length).ToList();
        Assert.True(found.Count == 1, $"{name}{{{string.Join(',', labels.Select(l => $"{l.Label}=\"{l.Value}\""))}}}: {found.Count} samples");
        return found[0].Value;
    }

    public bool Has(string name) => _samples.Any(s => s.Name == name);

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?|[-+]?Inf|NaN)( \d+)?$""")]
    private static partial Regex Sample();

    [GeneratedRegex("""([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?""")]
    private static partial Regex Label();
}
