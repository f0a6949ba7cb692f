using Microsoft.Extensions.Logging;

namespace CareLake.Web;

/// <summary>Hands the web host's warnings and errors to CareLake's log (one line each, without stack traces).</summary>
internal sealed class ActionLoggerProvider(Action<string> log) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new ActionLogger(log);

    public void Dispose()
    {
    }

    private sealed class ActionLogger(Action<string> log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var message = formatter(state, exception);
            log(exception is null ? $"http: {message}" : $"http: {message} ({exception.GetType().Name}: {exception.Message.Split('\n')[0]})");
        }
    }
}
