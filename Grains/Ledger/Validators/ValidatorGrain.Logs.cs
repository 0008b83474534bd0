using Ainur.Protocol.Consensus;
using Microsoft.Extensions.Logging;

namespace Ainur.Grains.Ledger.Validators;

/// <summary>The validator's log messages.</summary>
public sealed partial class ValidatorGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Validator {Index} active at height {Height} on {Silo}")]
    private static partial void LogActivated(ILogger logger, int index, long height, string silo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Validator {Index} moves from {Silo} to {Destination}, where placement now puts it")]
    private static partial void LogMoving(ILogger logger, int index, string silo, SiloAddress destination);

    [LoggerMessage(Level = LogLevel.Information, Message = "Validator {Index} switched {Online}")]
    private static partial void LogSwitched(ILogger logger, int index, bool online);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Validator {Index} finalized height {Height} in round {Round} with {Count} transactions")]
    private static partial void LogCommitted(ILogger logger, int index, long height, int round, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Validator {Index} refused block {Hash} at height {Height}: {Reason}")]
    private static partial void LogInvalidBlock(ILogger logger, int index, long height, string hash, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Validator {Index} refused a finalized block offered for height {Height} during catch-up")]
    private static partial void LogCatchUpRefused(ILogger logger, int index, long height);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Validator {Index} could not reach validator {Peer}: {Reason}")]
    private static partial void LogPeerUnreachable(ILogger logger, int index, int peer, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Validator {Index} could not write its signing guard, retrying the step: {Reason}")]
    private static partial void LogGuardWriteFailed(ILogger logger, int index, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Validator {Index} could not store block {Height} (attempt {Attempt}), retrying: {Reason}")]
    private static partial void LogSaveRetry(ILogger logger, int index, long height, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Validator {Index} decided a block at height {Height} that differs from the one it stored: {Reason}; it stops")]
    private static partial void LogFork(ILogger logger, int index, long height, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Validator {Index} could not reach the mempool in time (it goes on without it): {Reason}")]
    private static partial void LogMempoolUnreachable(ILogger logger, int index, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Validator {Index} was refused the signing guard for {Height}/{Round}/{Step}: another activation signed first; this one stops signing")]
    private static partial void LogFenced(ILogger logger, int index, long height, int round, SignStep step);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Validator {Index} ignored its snapshot at height {Height}: it does not match its stored block; replaying from genesis")]
    private static partial void LogSnapshotIgnored(ILogger logger, int index, long height);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Validator {Index} could not store its snapshot at height {Height}: {Reason}")]
    private static partial void LogSnapshotFailed(ILogger logger, int index, long height, string reason);
}
