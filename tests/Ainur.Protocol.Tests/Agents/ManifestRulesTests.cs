using Ainur.Protocol.Agents;
using CsCheck;

namespace Ainur.Protocol.Tests.Agents;

public sealed class ManifestRulesTests
{
    [Fact]
    public void Validate_ValidManifest_HasNoErrors() => Assert.Empty(ManifestRules.Validate(Manifests.Valid()));

    [Fact]
    public void Validate_GeneratedManifests_HaveNoErrors() =>
        Manifests.Gen.Sample(m => ManifestRules.Validate(m).IsEmpty, iter: 2_000);

    public static TheoryData<string, AgentManifest> Broken
    {
        get
        {
            var valid = Manifests.Valid();
            var capability = valid.Capabilities[0];
            return new()
            {
                { "name", valid with { Name = " " } },
                { "name", valid with { Name = new string('n', 65) } },
                { "name", valid with { Name = "tab\there" } },
                { "version", valid with { Version = "" } },
                { "capabilities", valid with { Capabilities = [] } },
                { "capabilities", valid with { Capabilities = Manifests.Capabilities(ManifestRules.MaxCapabilities + 1) } },
                { "capabilities/0/id", valid with { Capabilities = [capability with { Id = "Upper" }] } },
                { "capabilities/0/id", valid with { Capabilities = [capability with { Id = ".leading-dot" }] } },
                { "capabilities/1/id", valid with { Capabilities = [capability, capability] } },
                { "capabilities/0/description", valid with { Capabilities = [capability with { Description = "" }] } },
                { "capabilities/0/price", valid with { Capabilities = [capability with { Price = -1 }] } },
                { "capabilities/0/price", valid with { Capabilities = [capability with { Price = ManifestRules.MaxPrice + 1 }] } },
                { "capabilities/0/inputSchema", valid with { Capabilities = [capability with { InputSchema = "{not json" }] } },
                { "capabilities/0/outputSchema", valid with { Capabilities = [capability with { OutputSchema = "42" }] } },
                { "capabilities/0/outputSchema", valid with { Capabilities = [capability with { OutputSchema = "{\"a\":\"" + new string('x', ManifestRules.MaxSchemaBytes) + "\"}" }] } },
                { "runtime/moduleHash", valid with { Runtime = new AgentRuntime(RuntimeKind.Wasm, null) } },
                { "runtime/moduleHash", valid with { Runtime = new AgentRuntime(RuntimeKind.Wasm, new string('A', 64)) } },
                { "runtime/moduleHash", valid with { Runtime = new AgentRuntime(RuntimeKind.Remote, new string('a', 64)) } },
                { "runtime/kind", valid with { Runtime = new AgentRuntime((RuntimeKind)7, null) } },
                { "endpoint", valid with { Endpoint = "ftp://agent.example" } },
                { "endpoint", valid with { Endpoint = "/relative" } },
            };
        }
    }

    [Theory]
    [MemberData(nameof(Broken))]
    public void Validate_BrokenRule_NamesTheField(string field, AgentManifest manifest)
    {
        var errors = ManifestRules.Validate(manifest);

        Assert.Contains(errors, e => e.Field == field && e.Message.Length > 0);
    }

    [Fact]
    public void Validate_SeveralBrokenRules_ReportsEach()
    {
        var manifest = Manifests.Valid() with { Name = "", Version = "", Endpoint = "nope" };

        Assert.Equal(["name", "version", "endpoint"], ManifestRules.Validate(manifest).Select(e => e.Field));
    }
}
