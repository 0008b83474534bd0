using Ainur.Protocol.Reputation;

namespace Ainur.Grains.Interfaces.Reputation;

/// <summary>
/// One attempt's outcome, reported to the reputation of the agent that made the attempt. <see cref="ReportId"/> is
/// unique per (task, attempt), e.g. <c>"&lt;task id hex&gt;/&lt;attempt&gt;"</c>: it is how a repeated report is
/// recognised. The reporter (a task grain) keeps the report in its own durable state until it is acknowledged.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.OutcomeReport")]
public sealed record OutcomeReport(
    [property: Id(0)] string ReportId,
    [property: Id(1)] TaskOutcome Outcome);
