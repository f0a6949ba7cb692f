using System.Diagnostics;

namespace CareLake.Bench.Scenarios;

/// <summary>The <c>kafka-feed</c> child process (mock cluster and producer) as the scenarios drive it, over its standard input and output.</summary>
internal sealed class FeedProcess : IDisposable
{
    private readonly Process _process;

    private FeedProcess(Process process) => _process = process;

    public static FeedProcess Start(string arguments)
    {
        var start = new ProcessStartInfo("dotnet", $"\"{typeof(FeedProcess).Assembly.Location}\" kafka-feed {arguments}")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        return new FeedProcess(Process.Start(start)!);
    }

    public string ReadLine() => _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the kafka-feed process ended early");

    public string ReadValue(string name)
    {
        var line = ReadLine();
        return line.StartsWith(name + "=", StringComparison.Ordinal) ? line[(name.Length + 1)..] : throw new InvalidOperationException($"kafka-feed said '{line}'");
    }

    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    public void Dispose()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(10_000)) _process.Kill();
        _process.Dispose();
    }
}
