using System.Diagnostics.CodeAnalysis;
using Ainur.Gateway.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ainur.Gateway.Apis;

/// <summary>How a task's result is accepted: the <c>accept</c> member of a submission and of the task's view.</summary>
public static class AcceptMode
{
    /// <summary>The client accepts (or disputes) the posted result within the challenge window; the default.</summary>
    public const string Client = "client";

    /// <summary>Accepted in advance: the posted result completes the task (deterministic capabilities only).</summary>
    public const string OnResult = "on-result";

    /// <summary>The mode's name for the task's view.</summary>
    public static string Of(bool onResult) => onResult ? OnResult : Client;

    /// <summary>Whether <paramref name="text"/> (absent: <see cref="Client"/>) asks for acceptance on result; else a 400 <c>malformed-body</c>.</summary>
    public static bool TryParse(string? text, out bool onResult, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        onResult = text == OnResult;
        problem = text is null or Client or OnResult ? null : Problems.MalformedBody($"'accept' is \"{Client}\" (the default) or \"{OnResult}\".");
        return problem is null;
    }
}
