using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Ainur.Protocol.Agents;

/// <summary>
/// One subschema of a <see cref="SchemaGraph"/>: the subschemas its evaluation reaches (as indices into the graph) and the
/// keywords whose own cost grows with the input. Where JSON Schema applies a subschema to only some members or items
/// (<c>patternProperties</c>, <c>unevaluatedItems</c>), the graph assumes all: it is used for upper bounds.
/// </summary>
public sealed class SchemaNode
{
    private SchemaNode(Draft draft)
    {
        Location = draft.Location;
        Constant = draft.Constant;
        Here = [.. draft.Here];
        PrefixItems = [.. draft.PrefixItems];
        RestItems = [.. draft.RestItems];
        EveryItem = [.. draft.EveryItem];
        Properties = draft.Properties.ToFrozenDictionary(StringComparer.Ordinal);
        OtherMembers = [.. draft.OtherMembers];
        EveryMember = [.. draft.EveryMember];
        Names = [.. draft.Names];
        UniqueItems = draft.UniqueItems;
        ValueNodes = draft.ValueNodes;
        Patterns = draft.Patterns;
        MemberPatterns = draft.MemberPatterns;
    }

    /// <summary>Where it is in the schema document (a JSON Pointer; the root is empty).</summary>
    public string Location { get; }

    /// <summary>The boolean schema's value; null for an object schema.</summary>
    public bool? Constant { get; }

    /// <summary>Applied at the same input location: applicators, conditionals, dependent schemas and the <c>$ref</c> target.</summary>
    public ImmutableArray<int> Here { get; }

    /// <summary>Applied to the array item at the same index (<c>prefixItems</c>, <c>items</c> as an array).</summary>
    public ImmutableArray<int> PrefixItems { get; }

    /// <summary>Applied to the items after <see cref="PrefixItems"/> (<c>items</c>, <c>additionalItems</c>).</summary>
    public ImmutableArray<int> RestItems { get; }

    /// <summary>Applied to every item (<c>contains</c>, <c>unevaluatedItems</c>).</summary>
    public ImmutableArray<int> EveryItem { get; }

    /// <summary>Applied to the member of that name (<c>properties</c>).</summary>
    public FrozenDictionary<string, int> Properties { get; }

    /// <summary>Applied to members not in <see cref="Properties"/> (<c>additionalProperties</c>).</summary>
    public ImmutableArray<int> OtherMembers { get; }

    /// <summary>Applied to every member (<c>patternProperties</c>, <c>unevaluatedProperties</c>).</summary>
    public ImmutableArray<int> EveryMember { get; }

    /// <summary>Applied to every member name, as a string (<c>propertyNames</c>).</summary>
    public ImmutableArray<int> Names { get; }

    /// <summary><c>uniqueItems: true</c>: compares every pair of items.</summary>
    public bool UniqueItems { get; }

    /// <summary>JSON nodes in its <c>enum</c> and <c>const</c> values, which an input is compared against.</summary>
    public int ValueNodes { get; }

    /// <summary>Regular expressions matched against a string input (<c>pattern</c>).</summary>
    public int Patterns { get; }

    /// <summary>Regular expressions matched against each member name (<c>patternProperties</c>).</summary>
    public int MemberPatterns { get; }

    /// <summary>A subschema while its graph is being read.</summary>
    internal sealed class Draft(string location)
    {
        public string Location { get; } = location;

        public bool? Constant { get; set; }

        public string? Reference { get; set; }

        public List<int> Here { get; } = [];

        public List<int> PrefixItems { get; } = [];

        public List<int> RestItems { get; } = [];

        public List<int> EveryItem { get; } = [];

        public Dictionary<string, int> Properties { get; } = new(StringComparer.Ordinal);

        public List<int> OtherMembers { get; } = [];

        public List<int> EveryMember { get; } = [];

        public List<int> Names { get; } = [];

        public bool UniqueItems { get; set; }

        public int ValueNodes { get; set; }

        public int Patterns { get; set; }

        public int MemberPatterns { get; set; }

        public SchemaNode Build() => new(this);
    }
}
