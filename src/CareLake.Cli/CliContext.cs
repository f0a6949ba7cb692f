using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using CareLake.Core.Configuration;
using Spectre.Console;

namespace CareLake.Cli;

/// <summary>What every command shares: the loaded options, logging to standard error, and stopping on SIGINT/SIGTERM.</summary>
public sealed class CliContext : IDisposable
{
    public static readonly Option<string?> ConfigOption = new("--config")
    {
        Description = "Config file (JSON). Default: ./carelake.json if present, or CARELAKE_CONFIG. Environment variables override it.",
        Recursive = true,
    };

    private readonly CancellationTokenSource _stop;
    private readonly PosixSignalRegistration? _sigterm;

    private CliContext(CareLakeOptions options, CancellationToken cancellationToken)
    {
        Options = options;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                Log("stopping (SIGTERM)");
                _stop.Cancel();
            });
        }
    }

    public CareLakeOptions Options { get; }
    public CancellationToken Stopping => _stop.Token;
    public TimeProvider Time { get; } = TimeProvider.System;

    /// <summary>True when standard output is a terminal that can show live progress.</summary>
    public static bool Interactive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Plain text, without escape codes, when standard output is a file or a pipe (logs, CI, <c>| tail</c>).</summary>
    public static void ConfigureConsole()
    {
        if (!Console.IsOutputRedirected) return;
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(Console.Out),
        });
    }

    public static CliContext Create(ParseResult parseResult, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return new CliContext(CareLakeOptions.FromEnvironment(parseResult.GetValue(ConfigOption)), cancellationToken);
    }

    public static void Log(string message) =>
        Console.Error.WriteLine($"{DateTime.Now.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} {message}");

    public void Dispose()
    {
        _sigterm?.Dispose();
        _stop.Dispose();
    }
}
