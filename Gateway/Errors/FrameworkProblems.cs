namespace Ainur.Gateway.Errors;

/// <summary>
/// Gives problems that ASP.NET Core writes itself (unknown route, wrong method, wrong media type) the same
/// <c>code</c> member and <c>urn:ainur:problem:</c> type as the API's own, so clients handle one shape.
/// </summary>
internal static class FrameworkProblems
{
    public static void AddCode(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("code"))
        {
            return;
        }

        var code = problem.Status switch
        {
            StatusCodes.Status400BadRequest => "bad-request",
            StatusCodes.Status404NotFound => "not-found",
            StatusCodes.Status405MethodNotAllowed => "method-not-allowed",
            StatusCodes.Status413PayloadTooLarge => "body-too-large",
            StatusCodes.Status414UriTooLong => "uri-too-long",
            StatusCodes.Status415UnsupportedMediaType => "unsupported-media-type",
            StatusCodes.Status431RequestHeaderFieldsTooLarge => "headers-too-large",
            { } status => $"http-{status}",
            null => "error",
        };
        problem.Extensions["code"] = code;
        problem.Type = "urn:ainur:problem:" + code;
        problem.Detail ??= "See the API reference at /scalar.";
    }
}
