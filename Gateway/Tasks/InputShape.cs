using System.Text.Json.Nodes;

namespace Ainur.Gateway.Tasks;

/// <summary>
/// Bounds on a task input's shape, checked before any schema sees it: nesting (each level can add a level of schema
/// evaluation, hence call stack) and the number of JSON values (each is evaluated, and each string is matched by every
/// pattern). The byte size is bounded before this (<c>Ainur:Tasks:MaxInputBytes</c>).
/// </summary>
public static class InputShape
{
    /// <summary>Deepest nesting of arrays and objects in an input; a scalar input is depth 0.</summary>
    public const int MaxDepth = 32;

    /// <summary>Most JSON values (objects, arrays, members' values, items, scalars) in an input.</summary>
    public const int MaxValues = 20_000;

    /// <summary>Why <paramref name="input"/> is refused, or null when its shape is within the bounds.</summary>
    public static string? Problem(JsonNode? input)
    {
        var pending = new Stack<(JsonNode? Node, int Depth)>();
        pending.Push((input, 0));
        var values = 0;
        while (pending.TryPop(out var next))
        {
            if (++values > MaxValues)
            {
                return $"The input holds more than {MaxValues} JSON values.";
            }

            if (next.Node is JsonObject or JsonArray && next.Depth + 1 > MaxDepth)
            {
                return $"The input nests arrays and objects more than {MaxDepth} levels deep.";
            }

            var children = next.Node switch
            {
                JsonObject obj => obj.Select(p => p.Value),
                JsonArray array => array,
                _ => [],
            };
            foreach (var child in children)
            {
                pending.Push((child, next.Depth + 1));
            }
        }

        return null;
    }
}
