using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Ainur.Gateway.Apis;
using Ainur.Gateway.Errors;
using Ainur.Protocol.Agents;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Tasks;
using Ainur.Silo.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ainur.Gateway.Tasks;

/// <summary>
/// Turns a <c>POST /v1/tasks</c> body into the client's <see cref="TaskTerms"/>, checking the node's limits: the input's
/// size, the capability id, the price, the salt and the deadline (in the future, at most <see cref="TaskOptions.MaxDeadline"/> ahead).
/// </summary>
internal static partial class TaskTermsReader
{
    /// <summary>Most characters in a salt.</summary>
    public const int MaxSaltLength = 64;

    /// <summary>The terms, or the problem: 400 for an unreadable deadline, 413 for a large input, 422 for unacceptable terms.</summary>
    public static bool TryRead(
        SubmitTaskRequest request,
        Did client,
        TaskOptions limits,
        DateTimeOffset now,
        [NotNullWhen(true)] out TaskTerms? terms,
        [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        terms = null;
        var input = Encoding.UTF8.GetBytes(request.Input.Text);
        var deadline = default(DateTimeOffset);
        problem = input.Length > limits.MaxInputBytes ? TaskProblems.TooLarge("input", limits.MaxInputBytes)
            : !TryParseRfc3339(request.Deadline, out deadline) ? Problems.MalformedBody("'deadline' must be an RFC 3339 time with an offset, e.g. 2026-05-01T12:00:00Z.")
            : !ManifestRules.IsCapabilityId(request.Capability) ? TaskProblems.InvalidTerms("'capability' must be a capability id: 1-64 of a-z, 0-9, '.', '-', '_'.")
            : request.MaxPrice < 1 ? TaskProblems.InvalidTerms("'maxPrice' must be at least 1 credit.")
            : request.Fuel < 1 ? TaskProblems.InvalidTerms("'fuel' must be at least 1 (it is capped by the node's Ainur:Wasm:MaxFuel).")
            : request.Salt.Length is < 1 or > MaxSaltLength ? TaskProblems.InvalidTerms($"'salt' must be 1 to {MaxSaltLength} characters.")
            : deadline <= now ? TaskProblems.InvalidTerms("'deadline' has passed.")
            : deadline > now + limits.MaxDeadline ? TaskProblems.InvalidTerms($"'deadline' may be at most {limits.MaxDeadline} ahead.")
            : null;
        if (problem is not null)
        {
            return false;
        }

        terms = new TaskTerms(client, request.Capability, Blake2b.Content(input), request.MaxPrice, deadline.ToUnixTimeMilliseconds(), request.Salt);
        return true;
    }

    private static bool TryParseRfc3339(string text, out DateTimeOffset value)
    {
        value = default;
        return Rfc3339().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    // RFC 3339 section 5.6 date-time; the offset is required, so a time never depends on the server's zone.
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,7})?([Zz]|[+-]\d{2}:\d{2})\z", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();
}
