using Ainur.Grains.Discovery;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ainur.Silo.Discovery;

/// <summary>Re-reads the silo's <see cref="Standings"/> every <see cref="Standings.RefreshPeriod"/> while the silo runs.</summary>
internal sealed partial class StandingsRefresh(Standings standings, TimeProvider clock, ILogger<StandingsRefresh> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Standings.RefreshPeriod, clock, stoppingToken);
                await standings.RefreshAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Stale standings are shown a period longer; the next refresh tries again.
                LogRefreshFailed(logger, e);
            }
        }
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Refreshing discovery standings failed")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
