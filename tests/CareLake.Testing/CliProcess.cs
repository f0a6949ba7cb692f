using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace CareLake.Testing;

/// <summary>A real <c>carelake</c> process (the CLI built beside the tests), for end-to-end, crash and rebalance tests.</summary>
public sealed partial class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private CliProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public string Output => string.Join('\n', _output);

    public static string CliPath => Path.Combine(AppContext.BaseDirectory, "carelake.dll");

    public static CliProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, bool redirectInput = false)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(CliPath);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("CARELAKE_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(key);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        return new CliProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start carelake"));
    }

    /// <summary>Runs a command to completion with the given standard input; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string? input = null, TimeSpan? timeout = null)
    {
        using var process = Start(arguments, environment, redirectInput: input is not null);
        if (input is not null)
        {
            await process._process.StandardInput.WriteAsync(input);
            process._process.StandardInput.Close();
        }

        await process.WaitForExitAsync(timeout ?? TimeSpan.FromMinutes(3));
        return (process.ExitCode, process.Output);
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"carelake did not exit within {timeout}. Output:\n{Output}");
        }

        _process.WaitForExit(); // flush the redirected output
    }

    /// <summary>SIGKILL: the process gets no chance to clean up.</summary>
    public void Kill() => _process.Kill(entireProcessTree: false);

    /// <summary>SIGTERM: a graceful stop.</summary>
    public void Terminate()
    {
        if (SendSignal(_process.Id, 15) != 0) throw new InvalidOperationException($"kill -TERM {_process.Id} failed");
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);
}
