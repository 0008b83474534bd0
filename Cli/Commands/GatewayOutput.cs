using System.CommandLine;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ainur.Cli.Commands;

/// <summary>
/// What every gateway command shares: the <c>--gateway</c> option, and how an answer is shown. Success bodies go to
/// standard output (as-is with <c>--json</c>); a problem+json goes to standard error as <c>error: title: detail (code)</c> and
/// one line per entry of its <c>errors</c>, with exit code 3 for a 4xx and 4 for anything else.
/// </summary>
internal static class GatewayOutput
{
    public static Option<string?> GatewayOption() =>
        new("--gateway") { Description = $"Gateway base URL (default ${GatewayClient.GatewayVariable} or {GatewayClient.DefaultGateway})." };

    /// <summary>Prints the answer (<paramref name="describe"/> turns a success body into text) and returns the exit code.</summary>
    public static async Task<int> ReportAsync(CliContext context, GatewayResponse response, bool json, Func<JsonNode, string> describe)
    {
        var node = Parse(response);
        if (IsSuccess(response))
        {
            await context.Output.WriteLineAsync(json || node is null ? response.Body : describe(node));
            return ExitCodes.Ok;
        }

        await context.Error.WriteLineAsync(json ? response.Body : Describe(response, node));
        return FailureCode(response);
    }

    /// <summary>The body of a successful answer, or a <see cref="CliException"/> carrying the refusal (for intermediate calls).</summary>
    public static JsonNode Require(GatewayResponse response)
    {
        var node = Parse(response);
        return IsSuccess(response) && node is not null ? node : throw new CliException(FailureCode(response), Describe(response, node));
    }

    private static bool IsSuccess(GatewayResponse response) => (int)response.Status is >= 200 and < 300;

    private static JsonNode? Parse(GatewayResponse response)
    {
        try
        {
            return JsonNode.Parse(response.Body);
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's error page, say): shown raw.
            return null;
        }
    }

    // The problem's title, detail and code on one line, then one line per entry of its `errors` (a manifest rule, a schema
    // the input missed): without them a 422 says only that something is wrong.
    private static string Describe(GatewayResponse response, JsonNode? node)
    {
        if (node is not JsonObject problem || problem["title"] is not { } title)
        {
            return $"error: gateway answered {(int)response.Status} {response.Status}: {response.Body}";
        }

        var text = new StringBuilder($"error: {title}");
        if (Text(problem["detail"]) is { Length: > 0 } detail)
        {
            text.Append(": ").Append(detail);
        }

        if (Text(problem["code"]) is { Length: > 0 } code)
        {
            text.Append(" (").Append(code).Append(')');
        }

        if (problem["errors"] is JsonArray errors)
        {
            foreach (var error in errors)
            {
                text.Append('\n').Append("  ").Append(ErrorLine(error));
            }
        }

        return text.ToString();
    }

    // `{field, message}` or `{schema, path, message}` as `field: message` or `schema path: message`; anything else as JSON.
    private static string ErrorLine(JsonNode? error)
    {
        if (error is not JsonObject entry || Text(entry["message"]) is not { } message)
        {
            return error?.ToJsonString() ?? "null";
        }

        var where = string.Join(' ', entry.Where(p => p.Key != "message" && p.Value is JsonValue).Select(p => p.Value!.ToString()).Where(v => v.Length > 0));
        return where.Length > 0 ? $"{where}: {message}" : message;
    }

    // A member's text when it is a JSON string; the gateway's problems always are, a proxy's answer need not be.
    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static int FailureCode(GatewayResponse response) =>
        (int)response.Status is >= 400 and < 500 && response.Status != HttpStatusCode.RequestTimeout ? ExitCodes.Refused : ExitCodes.Unavailable;
}
