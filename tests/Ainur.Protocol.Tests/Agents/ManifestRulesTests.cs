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

    // Every format character (Unicode category Cf) of the basic plane: bidi controls, zero-width characters, and the rest.
    private static readonly char[] FormatCharacters =
        [.. Enumerable.Range(0, 0x10000).Select(c => (char)c).Where(c => char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format)];

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
                { "name", valid with { Name = "echo\u202Egnp.exe" } },
                { "name", valid with { Name = "e\u200Bcho" } },
                { "name", valid with { Name = "\uFEFFecho" } },
                { "name", valid with { Name = "echo\u2066x\u2069" } },
                { "name", valid with { Name = "\u3164" } },
                { "version", valid with { Version = "1.0\u200E" } },
                { "name", valid with { Name = "lone\uD800" } },
                { "capabilities/0/description", valid with { Capabilities = [capability with { Description = "Summarizes\u061C text" }] } },
                { "capabilities/0/description", valid with { Capabilities = [capability with { Description = "Safe\u2028line" }] } },
                { "capabilities/0/description", valid with { Capabilities = [capability with { Description = "tag \U000E0041 char" }] } },
                { "capabilities/0/description", valid with { Capabilities = [capability with { Description = "joiner\u2060here" }] } },
                { "endpoint", valid with { Endpoint = "https://user:secret@agent.example/run" } },
                { "endpoint", valid with { Endpoint = "https://user@agent.example/run" } },
                { "endpoint", valid with { Endpoint = "http://169.254.169.254/latest/meta-data/" } },
                { "endpoint", valid with { Endpoint = "http://169.254.10.1:8080/" } },
                { "endpoint", valid with { Endpoint = "http://2852039166/" } },
                { "endpoint", valid with { Endpoint = "http://[fe80::1]/" } },
                { "endpoint", valid with { Endpoint = "http://[fd00:ec2::254]/" } },
                { "endpoint", valid with { Endpoint = "http://[::ffff:169.254.169.254]/" } },
                { "endpoint", valid with { Endpoint = "http://metadata.google.internal/computeMetadata/v1/" } },
                { "endpoint", valid with { Endpoint = "http://METADATA.google.internal./" } },
                { "capabilities/0/inputSchema", valid with { Capabilities = [capability with { InputSchema = """{"$ref":"#"}""" }] } },
                { "capabilities/0/inputSchema", valid with { Capabilities = [capability with { InputSchema = """{"$ref":"https://schemas.example/x"}""" }] } },
                { "capabilities/0/outputSchema", valid with { Capabilities = [capability with { OutputSchema = """{"$ref":"#/$defs/none"}""" }] } },
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

    [Theory]
    [InlineData("Übersetzer 翻訳 — «agent»")]
    [InlineData("emoji 👩\u200D💻 are joined")]
    [InlineData("Arabic ترجمة text")]
    public void Validate_VisibleUnicodeInNames_IsAccepted(string name)
    {
        // A zero-width joiner inside an emoji sequence is still a format character: refused like any other.
        var errors = ManifestRules.Validate(Manifests.Valid(name));

        Assert.Equal(name.Contains('\u200D', StringComparison.Ordinal), errors.Any(e => e.Field == "name"));
    }

    [Theory]
    [InlineData("https://agent.example/run")]
    [InlineData("http://10.1.2.3:7070/")]
    [InlineData("http://[2001:db8::1]/x")]
    [InlineData("http://metadata.example/")]
    public void Validate_OrdinaryEndpoint_IsAccepted(string endpoint) =>
        Assert.DoesNotContain(ManifestRules.Validate(Manifests.Valid() with { Endpoint = endpoint }), e => e.Field == "endpoint");

    [Fact]
    public void Validate_AnyFormatCharacterInsertedInAName_IsRefused() =>
        Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 20], Gen.Int[0, 20], Gen.Int[0, FormatCharacters.Length - 1].Select(i => FormatCharacters[i]))
            .Sample((name, at, hidden) => ManifestRules.Validate(Manifests.Valid(name.Insert(Math.Min(at, name.Length), hidden.ToString()))).Any(e => e.Field == "name"), iter: 2_000);

    [Fact]
    public void Validate_SeveralBrokenRules_ReportsEach()
    {
        var manifest = Manifests.Valid() with { Name = "", Version = "", Endpoint = "nope" };

        Assert.Equal(["name", "version", "endpoint"], ManifestRules.Validate(manifest).Select(e => e.Field));
    }
}
