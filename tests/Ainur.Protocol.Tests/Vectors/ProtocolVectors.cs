using System.Text.Json.Nodes;

namespace Ainur.Protocol.Tests.Vectors;

/// <summary>Every vector file in docs/vectors and the generator that makes it from the reference code.</summary>
internal static class ProtocolVectors
{
    public static readonly IReadOnlyDictionary<string, Func<JsonObject>> Files = new Dictionary<string, Func<JsonObject>>
    {
        ["canonical.json"] = IdentityVectors.Canonical,
        ["hashing.json"] = IdentityVectors.Hashing,
        ["identity.json"] = IdentityVectors.Identity,
        ["transactions.json"] = TransactionVectors.Generate,
        ["budgets.json"] = BudgetVectors.Generate,
        ["merkle.json"] = MerkleVectors.Generate,
        ["block.json"] = LedgerVectors.Generate,
        ["consensus.json"] = ConsensusVectors.Generate,
        ["proof.json"] = ProofVectors.Generate,
        ["tasks.json"] = TaskVectors.Tasks,
        ["settlement.json"] = TaskVectors.Settlement,
        ["task-transitions.json"] = TaskVectors.Transitions,
        ["http-signatures.json"] = NodeVectors.HttpSignatures,
        ["schema-ids.json"] = NodeVectors.SchemaIds,
    };

    /// <summary>The repository's docs folder, found by walking up from the test binaries to Ainur.sln.</summary>
    public static string DocsDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Ainur.sln")))
                {
                    return Path.Combine(dir.FullName, "docs");
                }
            }

            throw new InvalidOperationException($"No Ainur.sln above {AppContext.BaseDirectory}: the vector tests run from the repository's build output.");
        }
    }

    public static string VectorsDirectory => Path.Combine(DocsDirectory, "vectors");
}
