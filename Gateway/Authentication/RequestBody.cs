using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace Ainur.Gateway.Authentication;

/// <summary>Reads a whole request body up to a cap, so it can be digested and then parsed.</summary>
internal static class RequestBody
{
    /// <summary>The body, or null when it is longer than <paramref name="limit"/> bytes.</summary>
    public static async Task<byte[]?> ReadAsync(HttpContext context, int limit)
    {
        if (context.Request.ContentLength > limit)
        {
            return null;
        }

        // Kestrel enforces the cap on the wire too, so a lying Content-Length cannot stream more.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit;
        }

        var buffer = new ArrayBufferWriter<byte>(Math.Clamp((int)(context.Request.ContentLength ?? 1024), 1, limit));
        var reader = context.Request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(context.RequestAborted);
            foreach (var segment in result.Buffer)
            {
                if (buffer.WrittenCount + segment.Length > limit)
                {
                    reader.AdvanceTo(result.Buffer.End);
                    return null;
                }

                buffer.Write(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return buffer.WrittenSpan.ToArray();
            }
        }
    }
}
