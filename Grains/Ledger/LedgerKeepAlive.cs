using Ainur.Grains.Interfaces.Ledger;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ainur.Grains.Ledger;

/// <summary>
/// Keeps the validator group and the mempool active: every second it asks each for its status, which activates one
/// that is not running (after its silo died, or after idle collection). Runs on every silo; the calls are cheap reads.
/// </summary>
public sealed partial class LedgerKeepAlive(IGrainFactory grains, LedgerSettings settings, TimeProvider clock, ILogger<LedgerKeepAlive> logger)
    : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, clock);
        do
        {
            var calls = Enumerable.Range(0, settings.Validators.Count)
                .Select(i => (Task)grains.GetGrain<IValidatorGrain>(i).GetStatusAsync())
                .Append(grains.GetGrain<IMempoolGrain>(0).GetHeadAsync());
            try
            {
                await Task.WhenAll(calls).WaitAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Expected while a silo is dying or the cluster is still forming; the next tick tries again.
                LogPingFailed(logger, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ledger keep-alive ping failed: {Reason}")]
    private static partial void LogPingFailed(ILogger logger, string reason);
}
