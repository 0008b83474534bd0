using Microsoft.Extensions.Logging;

namespace Ainur.Grains.Storage.GroupCommit;

public sealed partial class GroupCommitGrainStorage
{
    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "Grain storage {Store}: a {Operation} batch of {Rows} rows failed; each caller got an exception")]
    private partial void LogBatchFailed(Exception exception, string store, string operation, int rows);
}
