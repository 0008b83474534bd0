using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Ainur.Gateway.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ainur.Gateway.Apis;

/// <summary>Parses a signed request's body bytes (the ones its digest covers) with the API's strict JSON rules.</summary>
internal static class JsonBody
{
    /// <summary>
    /// The body as <typeparamref name="T"/>, or a 400 <c>malformed-body</c> problem naming <paramref name="expected"/>
    /// when it is not JSON, breaks <see cref="JsonTextCheck"/>'s text rules (duplicate members, lone surrogates), is
    /// null, or breaks the contract (missing, unknown or mistyped members).
    /// </summary>
    public static bool TryRead<T>(
        ReadOnlyMemory<byte> body,
        JsonSerializerOptions options,
        string expected,
        [NotNullWhen(true)] out T? value,
        [NotNullWhen(false)] out ProblemHttpResult? problem)
        where T : class
    {
        if (JsonTextCheck.FindViolation(body.Span) is { } violation)
        {
            value = null;
            problem = Problems.MalformedBody(violation);
            return false;
        }

        try
        {
            value = JsonSerializer.Deserialize<T>(body.Span, options);
        }
        catch (JsonException e)
        {
            value = null;
            problem = Problems.MalformedBody(e.Message);
            return false;
        }

        problem = value is null ? Problems.MalformedBody($"The body must be {expected}.") : null;
        return value is not null;
    }

    /// <summary>True when the body is empty or an empty JSON object (<see cref="EmptyRequest"/>); else a 400 <c>malformed-body</c>.</summary>
    public static bool TryReadEmpty(ReadOnlyMemory<byte> body, JsonSerializerOptions options, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        problem = null;
        return body.IsEmpty || TryRead<EmptyRequest>(body, options, "empty or an empty JSON object", out _, out problem);
    }
}
