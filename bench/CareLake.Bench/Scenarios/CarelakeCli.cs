using System.Diagnostics;

namespace CareLake.Bench.Scenarios;

/// <summary>The <c>carelake</c> command users run (<c>./carelake</c> at the repository root), started from a benchmark.</summary>
internal static class CarelakeCli
{
    /// <summary>Starts it with the warehouse at <paramref name="connectionString"/>; standard output and error are redirected.</summary>
    public static Process Start(IEnumerable<string> arguments, string connectionString)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepositoryRoot() };
        start.ArgumentList.Add("./carelake");
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.Environment["CARELAKE_DATABASE_URL"] = connectionString;
        return Process.Start(start) ?? throw new InvalidOperationException("could not start ./carelake");
    }

    /// <summary>Runs it to completion; returns the exit code and everything it wrote.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> arguments, string connectionString, CancellationToken cancellationToken)
    {
        using var process = Start(arguments, connectionString);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CareLake.slnx"))) return dir.FullName;
        }

        throw new InvalidOperationException("run the benchmark from the CareLake repository (CareLake.slnx not found above it)");
    }
}
