using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace Ainur.Gateway.Authentication;

/// <summary>Reads a whole request body up to a cap, so it can be digested and then parsed.</summary>
internal static class RequestBody
{
    /// <summary>Wire bytes allowed per body byte of a chunked body: one-byte chunks ("1\r\nX\r\n") take six.</summary>
    public const int ChunkedWireFactor = 8;

    /// <summary>
    /// The body, or null when it is longer than <paramref name="limit"/> bytes, whether a Content-Length says so or the
    /// bytes of a chunked body pass the limit.
    /// </summary>
    public static async Task<byte[]?> ReadAsync(HttpContext context, int limit)
    {
        if (context.Request.ContentLength > limit)
        {
            return null;
        }

        // Kestrel enforces a cap on the wire too, so a lying Content-Length cannot stream more. It counts a chunked
        // body's framing (sizes, line ends) as body bytes, so that cap leaves room for it; the loop below holds the
        // decoded body to the limit, as for a Content-Length.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = context.Request.ContentLength is null ? (long)limit * ChunkedWireFactor : limit;
        }

        var buffer = new ArrayBufferWriter<byte>(Math.Clamp((int)(context.Request.ContentLength ?? 1024), 1, limit));
        var reader = context.Request.BodyReader;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(context.RequestAborted);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                // Past Kestrel's wire cap: the same answer as a body over the limit.
                return null;
            }

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
