using Ainur.Protocol.Reputation;
using Microsoft.Extensions.Logging;

namespace Ainur.Grains.Reputation;

internal sealed partial class ReputationGrain
{
    [LoggerMessage(EventId = 2301, Level = LogLevel.Debug, Message = "Reputation of {Did}: report {ReportId} counted as {Outcome}")]
    private static partial void LogRecorded(ILogger logger, string did, string reportId, TaskOutcome outcome);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Debug, Message = "Reputation of {Did}: report {ReportId} was already counted; acknowledged again")]
    private static partial void LogDuplicate(ILogger logger, string did, string reportId);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Warning, Message = "Reputation of {Did}: the change is stored but could not be published on the stream")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string did);

    [LoggerMessage(EventId = 2304, Level = LogLevel.Warning, Message = "Reputation of {Did}: forgotten report ids could not be stored at deactivation; storage keeps remembering them")]
    private static partial void LogForgetNotStored(ILogger logger, Exception exception, string did);
}
