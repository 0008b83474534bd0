using Ainur.Grains.Ledger;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ainur.Silo.Ledger;

/// <summary>Logs which chain this silo validates and, loudly, when its keys are development keys.</summary>
internal sealed partial class LedgerStartupReport(LedgerSettings settings, ILogger<LedgerStartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogLedger(logger, settings.ChainId, settings.Validators.Count, settings.Validators.MaxFaulty, settings.Genesis.Hash, settings.Genesis.Treasury.Value);
        if (settings.DevelopmentKeys)
        {
            LogDevelopmentKeys(logger, settings.DevelopmentKeysFile ?? "");
        }

        if (settings.Faucet is { } faucet)
        {
            LogFaucet(logger, faucet.Did.Value, settings.FaucetGrant, settings.DevelopmentKeysFile ?? "");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Ledger: chain {ChainId}, {Count} validators (tolerates {Faulty} faulty), genesis {GenesisHash}, treasury {Treasury}")]
    private static partial void LogLedger(ILogger logger, string chainId, int count, int faulty, Ainur.Protocol.Hashing.Hash32 genesisHash, string treasury);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Ledger uses DEVELOPMENT keys (standalone mode only), generated at this node's first start and kept unencrypted in {File}: whoever reads that file can sign as these validators and the orchestrator. Set Ainur:Ledger:ValidatorKeys and Ainur:Ledger:OrchestratorKey for anything real")]
    private static partial void LogDevelopmentKeys(ILogger logger, string file);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Standalone faucet {Faucet} grants {Grant} credits per request; its development key is in {File}")]
    private static partial void LogFaucet(ILogger logger, string faucet, long grant, string file);
}
