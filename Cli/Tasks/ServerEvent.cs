using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Ainur.Cli.Tasks;

/// <summary>One server-sent event: its id (null when the server sent none), its name and its data.</summary>
internal sealed record ServerEvent(long? Id, string Name, string Data)
{
    /// <summary>
    /// Reads events from a <c>text/event-stream</c> body until it ends: comment lines are skipped, several <c>data</c>
    /// lines are joined with line feeds, an event is dispatched at its blank line.
    /// </summary>
    public static async IAsyncEnumerable<ServerEvent> ReadAllAsync(Stream body, [EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new StreamReader(body, Encoding.UTF8);
        long? id = null;
        var name = "message";
        var data = new StringBuilder();
        var hasData = false;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                if (hasData)
                {
                    yield return new ServerEvent(id, name, data.ToString());
                }

                (id, name, hasData) = (null, "message", false);
                data.Clear();
                continue;
            }

            if (line[0] == ':')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            value = value.StartsWith(' ') ? value[1..] : value;
            switch (field)
            {
                case "id":
                    id = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
                    break;
                case "event":
                    name = value;
                    break;
                case "data":
                    data.Append(hasData ? "\n" : "").Append(value);
                    hasData = true;
                    break;
            }
        }
    }
}
