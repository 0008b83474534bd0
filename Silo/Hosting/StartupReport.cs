using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ainur.Silo.Hosting;

/// <summary>Says at start what this process is and, loudly, when nothing it holds will survive a restart.</summary>
internal sealed partial class StartupReport(AinurOptions options, ILogger<StartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogStarted(logger, options.Mode, options.Storage, options.Cluster.ClusterId, options.Cluster.ServiceId);
        if (!options.IsDurable)
        {
            LogNotDurable(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Ainur silo: mode {Mode}, storage {Storage}, cluster {ClusterId}, service {ServiceId}")]
    private static partial void LogStarted(ILogger logger, AinurMode mode, AinurStorage storage, string clusterId, string serviceId);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Storage is 'Memory': agents, tasks and reminders are NOT durable and are lost when this process stops")]
    private static partial void LogNotDurable(ILogger logger);
}
